/** `npm run whop -- <command>`: the sandbox CLI, pointed at the sandbox of this configuration. */
import { getConfig, ConfigError } from '../config/config.ts';
import { runSandboxCli } from '../sandbox-launcher.ts';

async function main(): Promise<number> {
  const config = getConfig();
  return runSandboxCli(config, process.argv.slice(2));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) for (const p of error.problems) process.stderr.write(`config error: ${p}\n`);
    else process.stderr.write(`whop: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
