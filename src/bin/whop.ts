/** `npm run whop -- <command>`: the sandbox CLI, pointed at the sandbox of this configuration. */
import { getConfig } from '../config/config.ts';
import { runSandboxCli } from '../dev/sandbox-launcher.ts';
import { runEntryPoint } from '../observability/run-entry-point.ts';

async function main(): Promise<number> {
  const config = getConfig();
  return runSandboxCli(config, process.argv.slice(2));
}

runEntryPoint('whop', main);
