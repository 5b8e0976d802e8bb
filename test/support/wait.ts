/**
 * Waiting in tests, one of each: `eventually` and `until` poll for an asynchronous outcome
 * (a log line written, a delivery stored, a process up); `sleep` only paces (a gap between
 * requests, a slow fake). None of them is for letting time pass for the code under test:
 * move its clock instead (test-clock.ts).
 */
export interface WaitOptions {
  /** Named in the error when the wait times out. */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** What to add to the timeout error (a process's output, say). */
  detail?: () => string;
}

export interface UntilOptions extends WaitOptions {
  /** A check that throws counts as "not yet" (a service in an outage) instead of failing the wait. */
  retryErrors?: boolean;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value (not undefined or false) and returns it; throws after `timeoutMs` (default 5 s). */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const { what = 'the awaited outcome', timeoutMs = 5_000, intervalMs = 10, detail } = options;
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms${detail ? `\n${detail()}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Polls `check` until it is true; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, options: UntilOptions = {}): Promise<number> {
  const started = Date.now();
  const probe = options.retryErrors
    ? () =>
        Promise.resolve()
          .then(check)
          .catch(() => false)
    : check;
  await eventually(probe, options);
  return Date.now() - started;
}

/** Lets other work run for `turns` turns of the event loop, no time passing. */
export async function yieldTurns(turns = 1): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Lets other work run, a turn of the event loop at a time, until `condition` holds (at most `maxTurns`). */
export async function untilTurn(condition: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let turns = 0; !condition(); turns += 1) {
    if (turns > maxTurns) throw new Error(`condition not reached within ${maxTurns} turns`);
    await yieldTurns();
  }
}
