/**
 * The background worker process (`worker:` in the Procfile): the webhook inbox worker, the mail
 * outbox sender, the grace period check and the scheduled reconciliation. Any number of worker
 * processes may run; SIGTERM lets the current batch finish, then closes the pool and Redis.
 * With SENTRY_DSN set, a job's unexpected failure is reported there as the web's are.
 */
import { getConfig } from './config/config.ts';
import { runEntryPoint } from './observability/run-entry-point.ts';
import { createConsoleLogger } from './observability/console-logger.ts';
import { buildRuntime } from './runtime.ts';
import { createErrorReporter } from './observability/error-reporter.ts';

async function main(): Promise<void> {
  const config = getConfig('worker');
  const logger = await createConsoleLogger({
    level: config.logLevel,
    name: 'chronos-worker',
    nodeEnv: config.nodeEnv,
    isTTY: process.stdout.isTTY === true,
  });
  const started = Date.now();
  const reportError = await createErrorReporter({ dsn: config.sentryDsn, environment: config.nodeEnv, logger });
  const runtime = await buildRuntime(config, logger, { migrate: false, backgroundJobs: true, reportError });
  logger.info({ ms: Date.now() - started }, 'worker running');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

runEntryPoint('worker', main);
