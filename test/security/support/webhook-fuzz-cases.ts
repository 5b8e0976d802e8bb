/**
 * Hostile deliveries for `POST /api/whop/webhook`, drawn from a seeded generator. Each case says
 * what Whop's contract (SPEC §6) demands of it: `accept` (a correctly signed, storable v1
 * envelope: 200 and one row), `reject` (a 4xx and no row), or `either` (a case where the
 * standard leaves room, e.g. a duplicated signature header one of whose copies is valid) — but
 * a 200 is only ever allowed when the case carries a correct signature over a storable envelope.
 */
import { createHmac } from 'node:crypto';
import type { RawRequest } from './raw-http.ts';
import type { SeededRandom } from './seeded-random.ts';
import { membershipData, paymentData } from '../../support/webhook-deliveries.ts';
import { flatMembership } from '../../fixtures/whop/memberships.ts';
import { flatPayment } from '../../fixtures/whop/payments.ts';
import {
  flatRefund,
  nestedDispute,
  nestedDisputeAlert,
  nestedInvoice,
  nestedRefund,
} from '../../fixtures/whop/billing.ts';

export const WEBHOOK_PATH = '/api/whop/webhook';
export const BODY_LIMIT = 1024 * 1024;

export type Expectation = 'accept' | 'reject' | 'either';

export interface FuzzCase {
  index: number;
  label: string;
  request: RawRequest;
  expect: Expectation;
  /** The case carries a correct signature over a storable envelope: the only kind that may be stored. */
  storable: boolean;
  /** The `webhook-id` the case uses when it could be stored. */
  webhookId: string | undefined;
  /** Whether the case is allowed to meet a stored row with its id (duplicates of accepted deliveries). */
  duplicateOf?: string;
}

type Headers = [string, string | Buffer][];

const HANDLED = [
  'membership.activated',
  'membership.deactivated',
  'membership.updated',
  'membership.cancel_at_period_end_changed',
  'membership.trial_ending_soon',
  'membership.went_valid',
  'membership.went_invalid',
  'membership.deleted',
  'membership_went_valid',
  'membership_went_invalid',
  'payment_succeeded',
  'payment_failed',
  'payment.succeeded',
  'payment.failed',
  'payment.created',
  'payment.pending',
  'payment.authorized',
  'payment.canceled',
  'refund.created',
  'refund.updated',
  'dispute.created',
  'dispute.updated',
  'dispute_alert.created',
  'invoice.past_due',
  'invoice.paid',
];
/** Validly signed names Chronos does not handle: stored and ignored (200), never refused. */
const UNKNOWN = [
  'dispute.opened',
  'app.installed',
  'membership.activated.extra',
  'x_y.z_1',
  'Membership.Activated',
  'membership',
  'x.',
  'app_installation.deleted',
  'membership_experience_claimed',
  '__proto__',
];
const COMPANIES = ['biz_creator1', 'biz_creator2', 'biz_chronos', 'biz_nobody', null];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  ';;;',
  'application/json; charset=utf-16',
  'image/png',
  '*/*',
  'application/json, text/html',
];

export function sign(secret: string, id: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** Builds seeded cases; `secret` is the app's webhook secret, `nowSeconds` the clock to sign with. */
export class WebhookFuzzer {
  private index = 0;
  readonly accepted: { webhookId: string; body: Buffer }[] = [];

  constructor(
    private readonly random: SeededRandom,
    private readonly secret: string,
    private readonly nowSeconds: () => number,
  ) {}

  private id(): string {
    return `fz_${this.random.seed}_${this.index}_${this.random.string(6)}`;
  }

  private make(
    label: string,
    request: Omit<RawRequest, 'target' | 'method'> & { method?: string; target?: string },
    expect: Expectation,
    storable: boolean,
    webhookId?: string,
  ): FuzzCase {
    return {
      index: this.index++,
      label,
      request: { method: 'POST', target: WEBHOOK_PATH, ...request },
      expect,
      storable,
      webhookId,
    };
  }

  /** Correct Standard Webhooks headers for `body` under `id` now. */
  private signedHeaders(id: string, body: Buffer, timestamp = String(this.nowSeconds())): Headers {
    return [
      ['webhook-id', id],
      ['webhook-timestamp', timestamp],
      ['webhook-signature', `v1,${sign(this.secret, id, timestamp, body)}`],
    ];
  }

  private contentType(): Headers {
    return this.random.bool(0.85) ? [['content-type', this.random.pick(CONTENT_TYPES)]] : [];
  }

  /** A hostile but JSON-storable value for `data` fields: wrong types, odd strings, deep objects, prototype keys. */
  private hostileValue(depth = 0): unknown {
    const r = this.random;
    switch (r.int(0, 11)) {
      case 0:
        return null;
      case 1:
        return r.pick([0, -1, 1e308, -1e-308, Number.MAX_SAFE_INTEGER + 2, 3.14159]);
      case 2:
        return r.bool();
      case 3:
        return r.string(r.int(0, 40), 'abc_-.:/ éΩ😀\u202e\u200b\ufeff<>&"\'');
      case 4:
        return 'x'.repeat(r.int(1_000, 20_000));
      case 5:
        return r.pick([
          '9999-12-31T23:59:59Z',
          '0000-01-01T00:00:00Z',
          '2024-02-30T00:00:00Z',
          'not a date',
          '',
          '1970-01-01T00:00:00.000+14:00',
        ]);
      case 6:
        return depth > 3 ? [] : Array.from({ length: r.int(0, 4) }, () => this.hostileValue(depth + 1));
      case 7:
        return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as unknown;
      case 8:
        return nested(r.int(1, 50));
      case 9:
        return r.pick(['mem_', 'mem_' + 'a'.repeat(500), 'pay_x', 'biz_creator1', 'user_student1', 'mem_ok']);
      case 10:
        return {
          id: r.pick(['mem_fz', 'pay_fz', 5, null]),
          status: r.pick(['active', 'ACTIVE', '', 'canceling', null]),
        };
      default:
        return depth > 3
          ? 'x'
          : Object.fromEntries(
              Array.from({ length: r.int(0, 5) }, () => [
                r.pick([
                  'id',
                  'user',
                  'company',
                  'status',
                  'updated_at',
                  'total',
                  'currency',
                  '__proto__',
                  'constructor',
                  'toString',
                ]),
                this.hostileValue(depth + 1),
              ]),
            );
    }
  }

  /** `data` for an envelope: real-looking, real with hostile fields, or of a wrong shape. */
  private data(type: string, company: string | null): Record<string, unknown> {
    const r = this.random;
    const user = r.pick([
      'user_student1',
      'user_student2',
      'user_creator_free',
      `user_fz${r.string(5)}`,
      'user_' + 'u'.repeat(r.int(100, 3000)),
    ]);
    const product = r.pick([
      'prod_course1',
      'prod_course2',
      'prod_basic',
      'prod_pro',
      'prod_enterprise',
      'prod_unknown',
    ]);
    const biz = company ?? 'biz_creator1';
    const flat = r.bool(0.5);
    const total = r.pick(['49.99', '0', '1e9', '99999999999999999999.99', '-5', '12.345', '0.00000001']);
    const currency = r.pick(['usd', 'jpy', 'usdt', 'whop_usd', 'btc', 'eth', 'US', '']);
    const status = r.pick(['active', 'trialing', 'canceling', 'past_due', 'expired', 'completed', 'drafted', '']);
    const payment = r.pick(['pay_fz1', 'pay_fz2', `pay_${r.string(6)}`]);
    // Both generations: the nested (unpinned) shape and the flat (native, pinned) one.
    const base: Record<string, unknown> = type.startsWith('payment')
      ? flat
        ? flatPayment({ user: r.bool(0.1) ? null : user, company: biz, product, total, currency })
        : paymentData({ user, company: biz, product, total, currency })
      : type.startsWith('refund')
        ? flat
          ? flatRefund({ payment, amount: total, currency })
          : nestedRefund({ payment, amount: total, currency })
        : type.startsWith('dispute_alert')
          ? nestedDisputeAlert({ payment, amount: total, currency })
          : type.startsWith('dispute')
            ? nestedDispute({ company: biz, payment, amount: total, currency })
            : type.startsWith('invoice')
              ? nestedInvoice({ user: r.bool(0.2) ? null : user, plan: 'plan_prod_pro', status: 'past_due' })
              : flat
                ? flatMembership({ user: r.bool(0.1) ? null : user, company: biz, product, status })
                : {
                    ...membershipData({ user, company: biz, product, status }),
                    ...(r.bool(0.1) ? { user: null } : {}),
                  };
    const shape = r.int(0, 3);
    if (shape === 0) return base;
    if (shape === 1) {
      for (const key of r.sample(Object.keys(base), r.int(1, 3))) base[key] = this.hostileValue();
      return base;
    }
    if (shape === 2)
      return Object.fromEntries(
        Array.from({ length: r.int(0, 6) }, () => [storableKey(r.oddUnicode(r.int(1, 8))), this.hostileValue()]),
      );
    return {
      ...base,
      user: {
        ...(base.user as object),
        email: r.pick([
          'a@b.c\r\nBcc: x@y.z',
          '<script>@x.y',
          'x'.repeat(300) + '@e.test',
          'not-an-email',
          '"; DROP TABLE users; --@x.y',
        ]),
      },
    };
  }

  private envelope(): Record<string, unknown> {
    const r = this.random;
    const type = r.bool(0.8) ? r.pick(HANDLED) : r.pick(UNKNOWN);
    const company = r.pick(COMPANIES);
    const env: Record<string, unknown> = {
      id: `evt_${r.string(10)}`,
      type,
      api_version: r.pick(['v1', 'v2', null]),
      timestamp: r.pick([new Date().toISOString(), 0, 'whenever', null, 1_700_000_000]),
      company_id: company,
      data: this.data(type, company),
    };
    // The newer envelope: account_id instead of company_id, a pinned api_version_date, previous_attributes.
    if (r.bool(0.4)) {
      delete env.company_id;
      env.account_id = company;
      env.api_version_date = r.pick(['2026-11-17', '2026-07-20', null]);
      if (r.bool(0.3)) env.previous_attributes = { status: r.pick(['trialing', 'active', 5, null]) };
    }
    if (r.bool(0.1)) delete env.company_id;
    if (r.bool(0.1)) env.extra = this.hostileValue();
    return env;
  }

  /** A correctly signed, storable v1 envelope: must be stored. */
  valid(label = 'signed valid envelope'): FuzzCase {
    const id = this.id();
    const body = Buffer.from(JSON.stringify(this.envelope()));
    this.accepted.push({ webhookId: id, body });
    return this.make(
      label,
      { headers: [...this.signedHeaders(id, body), ...this.contentType()], body },
      'accept',
      true,
      id,
    );
  }

  /** The same webhook-id again (Whop's retry, or a forged body under a known id): 200, nothing changes. */
  duplicate(): FuzzCase {
    const earlier = this.random.pick(this.accepted);
    const body = this.random.bool() ? earlier.body : Buffer.from(JSON.stringify(this.envelope()));
    const c = this.make(
      'duplicate webhook-id',
      { headers: this.signedHeaders(earlier.webhookId, body), body },
      'accept',
      true,
      earlier.webhookId,
    );
    c.duplicateOf = earlier.webhookId;
    return c;
  }

  /** Broken or absent headers around a valid body. */
  headerAttack(): FuzzCase {
    const r = this.random;
    const id = this.id();
    const body = Buffer.from(JSON.stringify(this.envelope()));
    const ts = String(this.nowSeconds());
    const good = sign(this.secret, id, ts, body);
    const variants: (() => FuzzCase)[] = [
      () => {
        const keep = r.sample(this.signedHeaders(id, body, ts), r.int(0, 2));
        return this.make(
          `missing headers (kept ${keep.map(([n]) => n).join(',') || 'none'})`,
          { headers: keep, body },
          'reject',
          false,
        );
      },
      () =>
        this.make(
          'empty header values',
          {
            headers: [
              ['webhook-id', r.pick(['', ' ', id])],
              ['webhook-timestamp', r.pick(['', '  ', ts])],
              ['webhook-signature', r.pick(['', ' ', '\t'])],
            ],
            body,
          },
          'reject',
          false,
        ),
      () => {
        const sig = r.pick([
          'v1,',
          'v1,' + r.ascii(r.int(1, 80)).replace(/ /g, ''),
          `v2,${good}`,
          `V1,${good}`,
          `v1;${good}`,
          `v1 ${good}`,
          `v1,${good.slice(0, -2)}`,
          `v1,${good}AA`,
          `v1,${Buffer.from(good, 'base64').toString('hex')}`,
          ',',
          'v1',
          `${good}`,
          `v1,,${good}`,
        ]);
        return this.make(
          `signature form ${JSON.stringify(sig.slice(0, 12))}…`,
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              ['webhook-signature', sig],
            ],
            body,
          },
          'reject',
          false,
        );
      },
      () => {
        const n = r.int(2, 250);
        const entries = Array.from({ length: n }, () => `v1,${r.bytes(32).toString('base64')}`);
        const withGood = r.bool();
        if (withGood) entries.splice(r.int(0, n), 0, `v1,${good}`);
        return this.make(
          `${n} signature entries${withGood ? ' with the right one' : ''}`,
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              ['webhook-signature', entries.join(' ')],
            ],
            body,
          },
          withGood ? 'accept' : 'reject',
          withGood,
          id,
        );
      },
      () => {
        const stamp = r.pick([
          'abc',
          '1e9',
          '12.5',
          '-5',
          `-${ts}`,
          '0x10',
          `+${ts}`,
          '9'.repeat(13),
          '9'.repeat(40),
          '٣٤٥',
          `${ts} ${ts}`,
          'NaN',
          'Infinity',
          '',
        ]);
        return this.make(
          `timestamp ${JSON.stringify(stamp.slice(0, 20))}`,
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', stamp],
              ['webhook-signature', `v1,${sign(this.secret, id, stamp, body)}`],
            ],
            body,
          },
          'reject',
          false,
        );
      },
      () => {
        // Past the 5-minute tolerance by more than the time between making a case and sending it.
        const offset = r.pick([-330, 330, -86_400, 10 ** 6, -(10 ** 9), 10 ** 11]);
        const stamp = String(Math.max(0, Number(ts) + offset));
        return this.make(
          `timestamp off by ${offset}s`,
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', stamp],
              ['webhook-signature', `v1,${sign(this.secret, id, stamp, body)}`],
            ],
            body,
          },
          'reject',
          false,
        );
      },
      () => {
        const badId = r.pick(['x'.repeat(256), 'has space', 'tab\there', 'é-latin1', '💥']);
        return this.make(
          `webhook-id ${JSON.stringify(badId.slice(0, 12))}`,
          {
            headers: [
              ['webhook-id', Buffer.from(badId, 'utf8')],
              ['webhook-timestamp', ts],
              ['webhook-signature', `v1,${sign(this.secret, badId, ts, body)}`],
            ],
            body,
          },
          'reject',
          false,
        );
      },
      () =>
        this.make(
          'signed with another secret',
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              [
                'webhook-signature',
                `v1,${createHmac('sha256', 'ws_not_ours').update(`${id}.${ts}.`).update(body).digest('base64')}`,
              ],
            ],
            body,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'signature of another id',
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              ['webhook-signature', `v1,${sign(this.secret, `${id}x`, ts, body)}`],
            ],
            body,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'signature of another body',
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              ['webhook-signature', `v1,${sign(this.secret, id, ts, Buffer.concat([body, Buffer.from(' ')]))}`],
            ],
            body,
          },
          'reject',
          false,
        ),
      () => {
        const name = r.pick(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
        const headers = this.signedHeaders(id, body, ts);
        const copy = r.bool() ? r.ascii(r.int(1, 40)) : headers.find(([n]) => n === name)![1];
        headers.splice(r.int(0, headers.length), 0, [name, copy]);
        // Node joins repeated custom headers with ", ": a repeated signature may still hold the right entry.
        return this.make(
          `duplicated ${name}`,
          { headers, body },
          name === 'webhook-signature' ? 'either' : 'reject',
          name === 'webhook-signature',
          id,
        );
      },
      () =>
        this.make(
          'oversized header',
          { headers: [...this.signedHeaders(id, body, ts), ['x-padding', 'p'.repeat(r.int(17_000, 70_000))]], body },
          'reject',
          false,
        ),
      () =>
        this.make(
          'many small headers',
          {
            headers: [
              ...this.signedHeaders(id, body, ts),
              ...Array.from({ length: r.int(100, 400) }, (_, i): [string, string] => [`x-h${i}`, r.ascii(20)]),
            ],
            body,
          },
          'either',
          true,
          id,
        ),
      () => {
        const bytes = Buffer.from(
          Array.from({ length: r.int(1, 12) }, () => r.pick([0x00, 0x01, 0x0b, 0x7f, 0x80, 0xff, 0xc3, 0x0d])),
        );
        return this.make(
          'raw bytes in a signature header',
          {
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', ts],
              ['webhook-signature', Buffer.concat([Buffer.from(`v1,${good}`), bytes])],
            ],
            body,
          },
          'reject',
          false,
        );
      },
      () =>
        this.make(
          'legacy x-whop-signature (legacy off)',
          {
            headers: [
              [
                'x-whop-signature',
                `t=${ts},v1=${createHmac('sha256', this.secret).update(`${ts}.`).update(body).digest('hex')}`,
              ],
            ],
            body,
          },
          'reject',
          false,
        ),
    ];
    return r.pick(variants)();
  }

  /** Bodies that are not storable envelopes; half of them correctly signed. */
  bodyAttack(): FuzzCase {
    const r = this.random;
    const id = this.id();
    const env = this.envelope();
    const json = JSON.stringify(env);
    const makers: [string, () => Buffer][] = [
      ['random bytes', () => r.bytes(r.int(0, 4096))],
      ['empty body', () => Buffer.alloc(0)],
      ['truncated JSON', () => Buffer.from(json.slice(0, r.int(0, json.length - 1)))],
      ['BOM before JSON', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])],
      ['UTF-16 JSON', () => Buffer.from(json, 'utf16le')],
      [
        'non-object JSON',
        () => Buffer.from(r.pick(['[]', '[{}]', '0', '"membership.activated"', 'null', 'true', '1e999', `[${json}]`])),
      ],
      ['no type', () => Buffer.from(JSON.stringify({ ...env, type: undefined }))],
      [
        'bad type',
        () =>
          Buffer.from(
            JSON.stringify({
              ...env,
              type: r.pick([
                'membership activated',
                '',
                5,
                null,
                ['membership.activated'],
                'a.' + 'b'.repeat(100),
                '.x',
                'x\ny',
              ]),
            }),
          ),
      ],
      ['bad data', () => Buffer.from(JSON.stringify({ ...env, data: r.pick([null, [], 'x', 5, [env.data], true]) }))],
      ['no data', () => Buffer.from(JSON.stringify({ ...env, data: undefined }))],
      [
        'bad envelope field',
        () =>
          Buffer.from(
            JSON.stringify({
              ...env,
              [r.pick(['id', 'api_version', 'company_id', 'account_id', 'api_version_date'])]: r.pick([
                5,
                {},
                [],
                true,
              ]),
            }),
          ),
      ],
      [
        'bad previous_attributes',
        () => Buffer.from(JSON.stringify({ ...env, previous_attributes: r.pick([5, 'status', [], true]) })),
      ],
      ['bad timestamp field', () => Buffer.from(JSON.stringify({ ...env, timestamp: r.pick([{}, [], true]) }))],
      [
        'NUL in a string',
        () => Buffer.from(json.replace('"type":"', '"type":"').replace(/"data":\{/, '"data":{"note":"a\\u0000b",')),
      ],
      ['NUL in a key', () => Buffer.from(json.replace(/"data":\{/, '"data":{"k\\u0000":1,'))],
      ['lone high surrogate', () => Buffer.from(json.replace(/"data":\{/, '"data":{"s":"\\ud800",'))],
      ['lone low surrogate in a key', () => Buffer.from(json.replace(/"data":\{/, '"data":{"\\udc00":1,'))],
      ['70-level nesting', () => Buffer.from(JSON.stringify({ ...env, data: nested(70) }))],
      [
        '100000-level nesting',
        () => Buffer.from(`{"type":"membership.activated","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
      ],
      ['raw control byte in a string', () => Buffer.from(json.replace(/"data":\{/, '"data":{"c":"a\u0001b",'))],
    ];
    const [label, make] = r.pick(makers);
    const body = make();
    const signed = r.bool(0.6);
    const headers: Headers = signed
      ? this.signedHeaders(id, body)
      : [
          ['webhook-id', id],
          ['webhook-timestamp', String(this.nowSeconds())],
          ['webhook-signature', `v1,${r.bytes(32).toString('base64')}`],
        ];
    return this.make(
      `${signed ? 'signed' : 'unsigned'} ${label}`,
      { headers: [...headers, ...this.contentType()], body },
      'reject',
      false,
    );
  }

  /** Transport oddities: encodings, chunking, methods, paths. */
  transportAttack(): FuzzCase {
    const r = this.random;
    const id = this.id();
    const body = Buffer.from(JSON.stringify(this.envelope()));
    const headers = this.signedHeaders(id, body);
    const variants: (() => FuzzCase)[] = [
      () =>
        this.make(
          'content-encoding gzip on a plain body',
          { headers: [...headers, ['content-encoding', 'gzip']], body },
          'reject',
          false,
        ),
      () =>
        this.make(
          'unknown content-encoding',
          { headers: [...headers, ['content-encoding', r.pick(['foo', 'gzip, gzip', 'compress', 'br'])]], body },
          'reject',
          false,
        ),
      () =>
        this.make(
          'content-encoding identity',
          { headers: [...headers, ['content-encoding', 'identity']], body },
          'either',
          true,
          id,
        ),
      () =>
        this.make(
          'chunked body',
          {
            headers: [...headers, ['transfer-encoding', 'chunked']],
            body: chunked(body, r.int(1, 512)),
            contentLength: false,
          },
          'accept',
          true,
          id,
        ),
      () =>
        this.make(
          'chunked with garbage chunk sizes',
          {
            headers: [...headers, ['transfer-encoding', 'chunked']],
            body: Buffer.from(`zz\r\n${body.toString()}\r\n0\r\n\r\n`),
            contentLength: false,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'content-length and chunked',
          {
            headers: [...headers, ['transfer-encoding', 'chunked'], ['content-length', String(body.length)]],
            body: chunked(body, 64),
            contentLength: false,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'two content-lengths',
          {
            headers: [...headers, ['content-length', String(body.length)], ['content-length', String(body.length + 1)]],
            body,
            contentLength: false,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'content-length shorter than the body',
          {
            headers: [...headers, ['content-length', String(Math.max(0, body.length - r.int(1, 50)))]],
            body,
            contentLength: false,
          },
          'reject',
          false,
        ),
      () =>
        this.make(
          'odd method',
          {
            method: r.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH']),
            headers,
            body,
          },
          'reject',
          false,
        ),
      () =>
        this.make('unknown method token', { method: r.pick(['FOO', 'P0ST', 'post']), headers, body }, 'reject', false),
      () =>
        this.make(
          'query string on the URL',
          {
            target: `${WEBHOOK_PATH}?${r.pick(['x=1', 'a=1&a=2', '__proto__[x]=1', 'q=' + 'z'.repeat(4000)])}`,
            headers,
            body,
          },
          'either',
          true,
          id,
        ),
      () =>
        this.make(
          'path variant',
          {
            target: r.pick([
              `${WEBHOOK_PATH}/`,
              WEBHOOK_PATH.toUpperCase(),
              `/api/whop/../whop/webhook`,
              `/api/whop/webhook%00`,
              `/api/whop//webhook`,
              `/api/whop/webhook;x`,
            ]),
            headers,
            body,
          },
          'either',
          true,
          id,
        ),
      () =>
        this.make(
          'HTTP/1.0-style absolute target',
          { target: `http://evil.example${WEBHOOK_PATH}`, headers, body },
          'either',
          true,
          id,
        ),
    ];
    return r.pick(variants)();
  }

  /** Correctly signed envelopes with hostile content (SPEC §6: 400 when not storable, 413 over 1 MB). */
  signedHostile(): FuzzCase {
    const r = this.random;
    const id = this.id();
    const variants: (() => [string, Buffer, Expectation])[] = [
      () => [
        'NUL escape in data',
        Buffer.from(JSON.stringify(this.envelope()).replace(/"data":\{/, '"data":{"n":"\\u0000",')),
        'reject',
      ],
      () => [
        'lone surrogate escape in data',
        Buffer.from(JSON.stringify(this.envelope()).replace(/"data":\{/, '"data":{"s":"x\\udfffy",')),
        'reject',
      ],
      () => [
        '70-level nesting in data',
        Buffer.from(JSON.stringify({ ...this.envelope(), data: nested(70) })),
        'reject',
      ],
      () => [
        '50-level nesting in data',
        Buffer.from(JSON.stringify({ ...this.envelope(), data: nested(50) })),
        'accept',
      ],
      () => ['over 1 MB', padTo(this.envelope(), BODY_LIMIT + r.int(1, 300_000)), 'reject'],
      () => ['exactly 1 MB', padTo(this.envelope(), BODY_LIMIT), 'accept'],
      () => [
        'prototype keys',
        Buffer.from(
          `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"type":"membership.activated","data":{"__proto__":{"id":"mem_x"},"constructor":1}}`,
        ),
        'accept',
      ],
      () => [
        'duplicate keys',
        Buffer.from(`{"type":"Bad Type","type":"membership.activated","data":5,"data":{"id":"mem_dup"}}`),
        'accept',
      ],
      () => [
        'invalid UTF-8 inside a string',
        Buffer.concat([
          Buffer.from('{"type":"membership.activated","data":{"t":"'),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from('"}}'),
        ]),
        'accept',
      ],
      () => [
        'data of wrong shape',
        Buffer.from(
          JSON.stringify({
            type: r.pick(HANDLED),
            data: { [r.pick(['user', 'id', 'company', 'status'])]: this.hostileValue() },
          }),
        ),
        'accept',
      ],
    ];
    const [label, body, expect] = r.pick(variants)();
    const storable = expect === 'accept';
    if (storable) this.accepted.push({ webhookId: id, body });
    return this.make(
      `signed ${label}`,
      { headers: [...this.signedHeaders(id, body), ['content-type', 'application/json']], body },
      expect,
      storable,
      id,
    );
  }
}

/** A key PostgreSQL's jsonb can keep: no NUL, no surrogate halves (the receiver refuses those, by design). */
function storableKey(text: string): string {
  return [...text].filter((ch) => ch !== String.fromCharCode(0) && !/^[\ud800-\udfff]$/.test(ch)).join('');
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i += 1) value = { n: value };
  return value;
}

function chunked(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) {
    const piece = body.subarray(offset, offset + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** A valid envelope padded with a string in `data` to exactly `size` bytes. */
function padTo(envelope: Record<string, unknown>, size: number): Buffer {
  const withPad = { ...envelope, data: { ...(envelope.data as object), pad: '' } };
  const overhead = Buffer.byteLength(JSON.stringify(withPad));
  return Buffer.from(
    JSON.stringify({ ...withPad, data: { ...withPad.data, pad: 'p'.repeat(Math.max(0, size - overhead)) } }),
  );
}
