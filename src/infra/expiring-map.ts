/**
 * Keys that expire: the in-process stand-in for Redis keys with a TTL, used when `REDIS_URL`
 * is unset by the session store, the cache and the ended-session registry. An expired entry
 * is gone for every read; `sweep()` drops the expired ones nobody reads again.
 */
interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): V | undefined {
    return this.live(key)?.value;
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  /** Epoch ms at which `key` expires; undefined when it is not (or no longer) here. */
  expiresAt(key: string): number | undefined {
    return this.live(key)?.expiresAt;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.set(key, { value, expiresAt });
  }

  /** Moves the expiry of a live entry (a session's touch); false when there is none. */
  setExpiry(key: string, expiresAt: number): boolean {
    const entry = this.live(key);
    if (entry) entry.expiresAt = expiresAt;
    return entry !== undefined;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops every expired entry. */
  sweep(): void {
    for (const key of this.entries.keys()) this.live(key);
  }

  /** How many entries are kept, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  /** The live values. */
  values(): V[] {
    this.sweep();
    return [...this.entries.values()].map((entry) => entry.value);
  }
}
