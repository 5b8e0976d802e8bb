/**
 * The in-process session store used when `REDIS_URL` is unset (development, embedded tests).
 * Unlike express-session's MemoryStore it expires entries: each read checks the expiry and a
 * sweep drops the expired ones. Values are kept as JSON strings, as Redis keeps them.
 */
import session, { type SessionData } from 'express-session';

type Callback<T = void> = (error?: unknown, value?: T) => void;

interface Entry {
  json: string;
  expiresAt: number;
}

export class MemorySessionStore extends session.Store {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { defaultTtlMs: number; sweepIntervalMs?: number; now?: () => number }) {
    super();
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private expiryOf(sess: SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + this.options.defaultTtlMs;
  }

  private live(sid: string): Entry | undefined {
    const entry = this.entries.get(sid);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(sid);
      return undefined;
    }
    return entry;
  }

  sweep(): void {
    for (const sid of this.entries.keys()) this.live(sid);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    const entry = this.live(sid);
    callback(undefined, entry ? (JSON.parse(entry.json) as SessionData) : null);
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    this.entries.set(sid, { json: JSON.stringify(sess), expiresAt: this.expiryOf(sess) });
    callback?.();
  }

  override touch(sid: string, sess: SessionData, callback?: Callback): void {
    const entry = this.live(sid);
    if (entry) entry.expiresAt = this.expiryOf(sess);
    callback?.();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.entries.delete(sid);
    callback?.();
  }

  override clear(callback?: Callback): void {
    this.entries.clear();
    callback?.();
  }

  override length(callback: Callback<number>): void {
    this.sweep();
    callback(undefined, this.entries.size);
  }

  /** The raw stored values (JSON strings), for tests that prove what is and is not kept. */
  rawValues(): string[] {
    this.sweep();
    return [...this.entries.values()].map((e) => e.json);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
