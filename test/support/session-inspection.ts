/** Reading sessions as they are stored, to prove what is (never) kept in them. */
import type { SessionData } from 'express-session';
import type { Runtime } from '../../src/runtime.ts';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';
import { TokenCipher } from '../../src/services/whop/token-cipher.ts';
import type { TokenBundle } from '../../src/services/whop/token-bundle.ts';
import type { TestBrowser } from './test-browser.ts';

export function sessionIdOf(browser: TestBrowser, appUrl: string): string | undefined {
  const raw = browser.cookie(appUrl, 'chronos.sid');
  if (!raw) return undefined;
  return /^s:([^.]+)\./.exec(decodeURIComponent(raw))?.[1];
}

export async function storedSession(runtime: Runtime, sid: string): Promise<SessionData | null> {
  return runtime.deps.sessionStore.read(sid);
}

export async function writeStoredSession(runtime: Runtime, sid: string, session: SessionData): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    runtime.deps.sessionStore.inner.set(sid, session, (e) => (e ? reject(e) : resolve())),
  );
}

/** Every raw value the session store holds for this run. */
export async function rawSessionValues(runtime: Runtime): Promise<string[]> {
  const inner = runtime.deps.sessionStore.inner;
  if (inner instanceof MemorySessionStore) return inner.rawValues();
  const redis = runtime.deps.redis!;
  const keys = await redis.keys(`${runtime.deps.config.redisPrefix}*`);
  const values = await Promise.all(
    keys.map(async (key) => ((await redis.type(key)) === 'string' ? redis.get(key) : '')),
  );
  return values.filter((v): v is string => typeof v === 'string');
}

/** Opens a stored token envelope with the app's keys (only tests do this, to learn the token strings). */
export function openTokens(runtime: Runtime, session: SessionData): TokenBundle {
  const cipher = new TokenCipher(runtime.deps.config.whop.tokenEncryptionKeys);
  return JSON.parse(cipher.decrypt(session.whopTokens, session.whopUserId)) as TokenBundle;
}
