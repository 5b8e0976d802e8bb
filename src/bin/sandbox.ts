/** `npm run sandbox`: the Whop sandbox alone, configured like the app. */
import { getConfig, ConfigError } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { launchSandbox } from '../sandbox-launcher.ts';

async function main(): Promise<void> {
  const config = getConfig();
  const logger = createLogger({ level: config.logLevel, name: 'whop-sandbox' });
  const sandbox = await launchSandbox(config, logger);
  process.stdout.write(`Whop sandbox on ${sandbox.url} — control UI: ${sandbox.url}/sandbox\n`);
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
  else process.stderr.write(`sandbox failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
