/**
 * Clocks for the `now` dependency of services, so a test moves time instead of sleeping.
 * `testClock(start)` stands still until moved; `movableClock()` runs with real time, plus
 * whatever the test has advanced it by (for apps whose other parts — the sandbox, session
 * stores — keep real time).
 */
export interface TestClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start: number): TestClock {
  let current = start;
  return { now: () => current, set: (ms) => void (current = ms), advance: (ms) => void (current += ms) };
}

export function movableClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    set: (ms) => void (offset = ms - Date.now()),
    advance: (ms) => void (offset += ms),
  };
}

/** A test clock read as a Date, for the dependencies whose `now` returns one (the work queues). */
export interface DateClock {
  now(): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

/** Stands still until moved; starts a second ahead, so rows queued just now are due. */
export function dateClock(start = Date.now() + 1000): DateClock {
  const clock = testClock(start);
  return { now: () => new Date(clock.now()), advance: clock.advance, set: (date) => clock.set(date.getTime()) };
}
