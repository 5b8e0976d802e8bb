/** Current time in epoch milliseconds; injected so tests can move time instead of sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
