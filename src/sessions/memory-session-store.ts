/**
 * The in-process session store used when `REDIS_URL` is unset (development, embedded tests).
 * Unlike express-session's MemoryStore it expires entries: each read checks the expiry and a
 * sweep drops the expired ones. Values are kept as JSON strings, as Redis keeps them.
 */
import session, { type SessionData } from 'express-session';
import { ExpiringMap } from '../infra/expiring-map.ts';

type Callback<T = void> = (error?: unknown, value?: T) => void;

export class MemorySessionStore extends session.Store {
  private readonly entries: ExpiringMap<string>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { defaultTtlMs: number; sweepIntervalMs?: number; now?: () => number }) {
    super();
    this.entries = new ExpiringMap<string>(() => this.now());
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

  sweep(): void {
    this.entries.sweep();
  }

  /** Epoch ms at which the stored session expires; undefined when there is none (tests read the rolled expiry). */
  expiresAt(sid: string): number | undefined {
    return this.entries.expiresAt(sid);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    const json = this.entries.get(sid);
    callback(undefined, json === undefined ? null : (JSON.parse(json) as SessionData));
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    this.entries.set(sid, JSON.stringify(sess), this.expiryOf(sess));
    callback?.();
  }

  override touch(sid: string, sess: SessionData, callback?: Callback): void {
    this.entries.setExpiry(sid, this.expiryOf(sess));
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
    return this.entries.values();
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
