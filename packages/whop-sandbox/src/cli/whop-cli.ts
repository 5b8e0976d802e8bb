/**
 * `npm run whop -- <command>`: the sandbox's CLI. Returns the exit code (0 ok, 1 failed,
 * 2 usage error) instead of exiting, so tests and entry points decide what to do.
 */
import { parseArgs } from 'node:util';
import { CLI_USAGE } from './cli-help.ts';
import {
  appCommand,
  deleteUserCommand,
  deliveriesCommand,
  installCommand,
  installationsCommand,
  rateLimitCommand,
  uninstallCommand,
  webhookCommand,
  webhooksCommand,
  membershipsCommand,
  resetCommand,
  signCommand,
  triggerCommand,
  usersCommand,
} from './cli-commands.ts';
import type { CommandContext } from './cli-commands.ts';
import { CliError, ControlClient } from './control-client.ts';

export interface WhopCliContext {
  /** Origin of the running sandbox, e.g. `http://localhost:4010`. */
  sandboxUrl: string;
  /** Default secret of `sign`. */
  webhookSecret: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = {
  trigger: triggerCommand,
  sign: signCommand,
  memberships: membershipsCommand,
  users: usersCommand,
  deliveries: deliveriesCommand,
  app: appCommand,
  reset: resetCommand,
  webhooks: webhooksCommand,
  webhook: webhookCommand,
  installations: installationsCommand,
  install: installCommand,
  uninstall: uninstallCommand,
  'rate-limit': rateLimitCommand,
  'delete-user': deleteUserCommand,
};

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  user: { type: 'string' },
  product: { type: 'string' },
  status: { type: 'string' },
  company: { type: 'string' },
  membership: { type: 'string' },
  payment: { type: 'string' },
  amount: { type: 'string' },
  currency: { type: 'string' },
  body: { type: 'string' },
  secret: { type: 'string' },
  id: { type: 'string' },
  timestamp: { type: 'string' },
  refund: { type: 'string' },
  dispute: { type: 'string' },
  reason: { type: 'string' },
  'alert-type': { type: 'string' },
  'version-date': { type: 'string' },
  names: { type: 'string' },
  scheme: { type: 'string' },
  enabled: { type: 'string' },
  calls: { type: 'string' },
  seconds: { type: 'string' },
  'auth-method': { type: 'string' },
} as const;

export async function runWhopCli(argv: string[], ctx: WhopCliContext): Promise<number> {
  const fail = (message: string, code: number) => {
    ctx.stderr.write(`whop: ${message}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message}\nRun \`npm run whop -- --help\` for usage.`, 2);
  }
  const [command, ...positionals] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    ctx.stdout.write(CLI_USAGE);
    return 0;
  }
  if (!command) {
    ctx.stderr.write(CLI_USAGE);
    return 2;
  }
  const run = COMMANDS[command];
  if (!run)
    return fail(
      `unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`npm run whop -- --help\`.`,
      2,
    );
  try {
    await run({
      client: new ControlClient(ctx.sandboxUrl),
      values: parsed.values,
      positionals,
      webhookSecret: ctx.webhookSecret,
      write: (text) => ctx.stdout.write(text),
    });
    return 0;
  } catch (error) {
    if (error instanceof CliError) return fail(error.message, error.exitCode);
    return fail(`unexpected error: ${(error as Error).message}`, 1);
  }
}
