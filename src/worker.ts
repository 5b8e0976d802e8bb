/**
 * The background worker process (`worker:` in the Procfile). It holds the runtime open and
 * runs the registered jobs until SIGTERM; the webhook inbox worker and the outbox sender are
 * registered here by the webhooks capability.
 */
import { getConfig, ConfigError } from './config.ts';
import { createLogger } from './logger.ts';
import { buildRuntime } from './runtime.ts';

async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'chronos-worker' });
  const runtime = await buildRuntime(config, logger, { migrate: false });
  logger.info('worker started; no jobs are registered yet');
  const idle = setInterval(() => logger.debug('worker idle'), 60_000);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker stopping');
    clearInterval(idle);
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
  else process.stderr.write(`worker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
