/** `npm run whop -- <command>`: the sandbox CLI, pointed at the sandbox of this configuration. */
import { getConfig, ConfigError } from '../config.ts';
import { runWhopCli } from '../sandbox/cli/whop-cli.ts';

async function main(): Promise<number> {
  const config = getConfig();
  return runWhopCli(process.argv.slice(2), {
    sandboxUrl: config.sandboxOrigin,
    webhookSecret: config.whop.webhookSecrets[0] ?? '',
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
    else process.stderr.write(`whop: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
