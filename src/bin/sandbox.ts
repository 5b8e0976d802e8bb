/** `npm run sandbox`: the Whop sandbox alone, configured like the app. */
import { getConfig } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { launchSandbox } from '../dev/sandbox-launcher.ts';
import { runEntryPoint } from '../observability/run-entry-point.ts';

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

runEntryPoint('sandbox', main);
