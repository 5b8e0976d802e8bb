/**
 * What an event's stored error means, in words an admin can act on; the raw error stays
 * available beside it. An event whose data can never be read (`PermanentEventError`) says that
 * a replay will fail the same way.
 */
export interface EventErrorText {
  summary: string;
  /** True when no replay can make the event succeed. */
  permanent: boolean;
}

const RULES: { test: RegExp; text: (raw: string) => EventErrorText }[] = [
  {
    test: /^PermanentEventError: /,
    text: (raw) => ({
      summary:
        `Whop's data for this event cannot be read (${raw.replace(/^PermanentEventError: /, '').split(':')[0]}). ` +
        'It can never succeed: a replay will fail the same way.',
      permanent: true,
    }),
  },
  {
    test: new RegExp(
      [
        'Sequelize(Connection|ConnectionRefused|ConnectionAcquireTimeout|HostNotReachable)Error',
        'ECONNREFUSED',
        'timeout',
      ].join('|'),
      'i',
    ),
    text: () => ({
      summary: 'The database did not answer in time. A replay will most likely succeed.',
      permanent: false,
    }),
  },
  {
    test: /deadlock|could not serialize/i,
    text: () => ({
      summary: 'Another change to the same creator got in the way. A replay will most likely succeed.',
      permanent: false,
    }),
  },
];

export function describeEventError(raw: string | null): EventErrorText | null {
  if (!raw) return null;
  const rule = RULES.find((r) => r.test.test(raw));
  return rule
    ? rule.text(raw)
    : {
        summary: 'Processing failed with an unexpected error (details below). A replay tries again.',
        permanent: false,
      };
}
