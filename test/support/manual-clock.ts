/** A clock the test moves by hand; starts a second ahead so rows queued just now are due. */
export interface ManualClock {
  now: () => Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function manualClock(): ManualClock {
  let current = new Date(Date.now() + 1000);
  return {
    now: () => new Date(current.getTime()),
    advance: (ms) => void (current = new Date(current.getTime() + ms)),
    set: (date) => void (current = new Date(date.getTime())),
  };
}
