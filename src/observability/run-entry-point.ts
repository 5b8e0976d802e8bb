/**
 * How every process of Chronos starts (web, worker, migrate, the CLIs): runs `main`, prints why
 * it could not start (startFailureLines: one line per problem a person can act on), and exits
 * with `main`'s exit code, or 1. Installs the crash handlers first: an unhandled rejection or an
 * uncaught exception prints one line with its stack and ends the process with exit code 1, so a
 * supervisor restarts a process that is in no known state, rather than let it limp on.
 */
import { startFailureLines } from './start-failure.ts';

/** `main` resolves with an exit code when the process is done, or with nothing when it keeps serving. */
export function runEntryPoint(role: string, main: () => Promise<number | void>): void {
  const crash = (kind: string) => (reason: unknown) => {
    process.stderr.write(
      `${role} crashed (${kind}): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
    );
    process.exit(1);
  };
  process.on('unhandledRejection', crash('unhandled rejection'));
  process.on('uncaughtException', crash('uncaught exception'));
  main().then(
    (code) => {
      if (typeof code === 'number') process.exit(code);
    },
    (error: unknown) => {
      for (const line of startFailureLines(role, error)) process.stderr.write(`${line}\n`);
      process.exit(1);
    },
  );
}
