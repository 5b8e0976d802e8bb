import { expect } from 'chai';
import { pino } from 'pino';
import { ConnectionError } from 'sequelize';
import { startBackgroundJobs, type BackgroundJobsDeps } from '../../src/jobs/background-jobs.ts';
import type { ErrorReporter } from '../../src/observability/error-reporter.ts';
import { untilTurn, yieldTurns } from '../support/wait.ts';

type Reported = { error: unknown; context: Parameters<ErrorReporter>[1] };

/** Jobs whose webhook loop fails with each of `failures` in turn, then finds nothing to do. */
function jobsFailingWith(failures: unknown[], reported: Reported[]) {
  let calls = 0;
  const deps = {
    webhooks: {
      async runOnce() {
        calls += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return { processed: 0, failed: 0, dead: 0, lost: 0 };
      },
    },
    emails: { sendDue: async () => ({ sent: 0, failed: 0, dead: 0 }) },
    grace: { applyExpired: async () => undefined },
    uploads: { expire: async () => 0 },
    storageSweeper: { sweep: async () => ({}) },
    reconciliation: { run: async () => null },
    logger: pino({ level: 'silent' }),
    reportError: ((error, context) => reported.push({ error, context })) satisfies ErrorReporter,
    reconcileIntervalMs: 3_600_000,
    webhookConcurrency: 1,
    idlePollMs: 5,
    // The loops' pauses let no time pass: one turn of the event loop each.
    pause: () => yieldTurns(),
  } as unknown as BackgroundJobsDeps;
  return { jobs: startBackgroundJobs(deps), calls: () => calls };
}

describe('background jobs', () => {
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
