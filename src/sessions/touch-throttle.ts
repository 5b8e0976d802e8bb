/**
 * When each session's expiry was last refreshed in the store by this process. A session in use
 * many times a minute gets its store TTL refreshed once a minute instead of on every request
 * (the cookie itself still rolls on every response), so the store's expiry lags the 30-day idle
 * limit by at most `intervalMs`. Keeps at most `maxEntries` sessions, forgetting the oldest.
 */
export class TouchThrottle {
  private readonly lastTouch = new Map<string, number>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `sid` is due a refresh; the refresh is then counted as done. */
  due(sid: string): boolean {
    const at = this.now();
    const last = this.lastTouch.get(sid);
    if (last !== undefined && at - last < this.intervalMs) return false;
    this.refreshed(sid, at);
    return true;
  }

  /** Records a refresh that happened another way (a full save also resets the TTL). */
  refreshed(sid: string, at = this.now()): void {
    this.lastTouch.delete(sid);
    this.lastTouch.set(sid, at);
    if (this.lastTouch.size > this.maxEntries) {
      const oldest = this.lastTouch.keys().next().value;
      if (oldest !== undefined) this.lastTouch.delete(oldest);
    }
  }

  forget(sid: string): void {
    this.lastTouch.delete(sid);
  }
}
