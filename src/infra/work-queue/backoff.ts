/** The retry delay of the work queues: exponential, capped, with jitter (one function for every queue). */

export interface BackoffSettings {
  /** Delay after the first failure, before jitter. */
  baseMs: number;
  /** Largest delay, before jitter. */
  capMs: number;
}

/**
 * Delay before attempt n+1 after n failures: `base · 2^(n-1)`, capped, then scaled by a random
 * 50–100 % so that rows failing together do not come back together.
 */
export function exponentialBackoff(
  settings: BackoffSettings,
  random: () => number = Math.random,
): (failures: number) => number {
  return (failures) => {
    const exponential = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(exponential * (0.5 + random() * 0.5));
  };
}
