/**
 * What an entry point prints when it cannot start: one line per problem a person can act on
 * (a setting, the embedded database, a port in use), the stack only for the unexpected.
 */
import { ConfigError } from '../config/config.ts';
import { EmbeddedDatabaseError } from '../db/postgres-binaries.ts';
import { ConnectionStartError } from '../db/connection-start-error.ts';

/** The lines to print, each without its newline; `role` names the process ("chronos", "worker"). */
export function startFailureLines(role: string, error: unknown): string[] {
  if (error instanceof ConfigError) return error.problems.map((problem) => `config error: ${problem}`);
  if (error instanceof EmbeddedDatabaseError || error instanceof ConnectionStartError)
    return [`${role} failed to start: ${error.message}`];
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const port = (error as { port?: number } | undefined)?.port;
  if (code === 'EADDRINUSE')
    return [
      `${role} failed to start: port ${port ?? ''} is already in use: stop the program that holds it, or set PORT ` +
        `to another port`,
    ];
  if (code === 'EACCES' && port !== undefined)
    return [`${role} failed to start: port ${port} may not be opened by this user: choose a port above 1023 with PORT`];
  return [`${role} failed to start: ${(error as Error | undefined)?.stack ?? String(error)}`];
}
