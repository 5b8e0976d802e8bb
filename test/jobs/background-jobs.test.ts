import { expect } from 'chai';
import { pino } from 'pino';
import { ConnectionError } from 'sequelize';
import { startBackgroundJobs, type BackgroundJobsDeps } from '../../src/jobs/background-jobs.ts';
import type { ErrorReporter } from '../../src/observability/error-reporter.ts';
import { untilTurn, yieldTurns } from '../support/wait.ts';

type Reported = { error: unknown; context: Parameters<ErrorReporter>[1] };

/** Background jobs with nothing to do and a silent logger, changed by `overrides`. */
function quietJobs(overrides: Record<string, unknown>) {
  return startBackgroundJobs({
    webhooks: { runOnce: async () => ({ processed: 0, failed: 0, dead: 0, lost: 0 }) },
    emails: { sendDue: async () => ({ sent: 0, failed: 0, dead: 0 }) },
    grace: { applyExpired: async () => undefined },
    uploads: { expire: async () => 0 },
    storageSweeper: { sweep: async () => ({}) },
    reconciliation: { run: async () => null },
    logger: pino({ level: 'silent' }),
    reconcileIntervalMs: 3_600_000,
    ...overrides,
  } as unknown as BackgroundJobsDeps);
}

/** Jobs whose webhook loop fails with each of `failures` in turn, then finds nothing to do. */
function jobsFailingWith(failures: unknown[], reported: Reported[]) {
  let calls = 0;
  const jobs = quietJobs({
    webhooks: {
      async runOnce() {
        calls += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return { processed: 0, failed: 0, dead: 0, lost: 0 };
      },
    },
    reportError: ((error, context) => reported.push({ error, context })) satisfies ErrorReporter,
    webhookConcurrency: 1,
    idlePollMs: 5,
    // The loops' pauses let no time pass: one turn of the event loop each.
    pause: () => yieldTurns(),
  });
  return { jobs, calls: () => calls };
}

/** Four idle webhook loops whose pauses are recorded (no time passes), with `random` for the spread. */
function idleLoops(random: () => number) {
  const pauses: number[] = [];
  const jobs = quietJobs({
    webhookConcurrency: 4,
    idlePollMs: 500,
    random,
    pause: (ms: number) => (pauses.push(ms), yieldTurns()),
  });
  return { jobs, pauses };
}

describe('background jobs', () => {
  it('spreads the idle polls of loops that went idle together (0.5–1.5× the poll interval), so they take turns on one connection', async () => {
    const draws = [0, 0.25, 0.5, 0.999];
    let n = 0;
    const { jobs, pauses } = idleLoops(() => draws[n++ % draws.length]!);
    try {
      await untilTurn(() => pauses.filter((ms) => ms < 60_000).length >= 5);
      // The first idle pauses of the four webhook loops (0.5 s on average) and of the email loop
      // (1 s), all idle from the start: spread by the draws 0, 0.25, 0.5, 0.999 and 0 again.
      expect(pauses.filter((ms) => ms < 60_000).slice(0, 5)).to.deep.equal([250, 375, 500, 750, 500]);
    } finally {
      await jobs.stop();
    }
  });

  it("reports a job's unexpected failure with the job's name, and the loop goes on", async () => {
    const reported: Reported[] = [];
    const boom = new Error('handler bug');
    const { jobs, calls } = jobsFailingWith([boom], reported);
    try {
      await untilTurn(() => calls() >= 3);
      expect(reported).to.deep.equal([{ error: boom, context: { job: 'webhooks-0' } }]);
    } finally {
      await jobs.stop();
    }
  });

  it('does not report the database being away for a moment (it is logged, and the loop waits it out)', async () => {
    const reported: Reported[] = [];
    const outage = new ConnectionError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    const { jobs, calls } = jobsFailingWith([outage, outage], reported);
    try {
      await untilTurn(() => calls() >= 4);
      expect(reported).to.deep.equal([]);
    } finally {
      await jobs.stop();
    }
  });
});
