import { expect } from 'chai';
import type { SessionData } from 'express-session';
import { MemorySessionStore } from '../../src/sessions/memory-session-store.ts';

function sessionExpiringAt(expires: number, extra: Partial<SessionData> = {}): SessionData {
  return { cookie: { expires: new Date(expires), originalMaxAge: null }, ...extra } as unknown as SessionData;
}

function read(store: MemorySessionStore, sid: string): Promise<SessionData | null | undefined> {
  return new Promise((resolve, reject) => store.get(sid, (error, value) => (error ? reject(error) : resolve(value))));
}

describe('MemorySessionStore', () => {
  let now = 1_000_000;
  let store: MemorySessionStore;

  beforeEach(() => {
    now = 1_000_000;
    store = new MemorySessionStore({ defaultTtlMs: 60_000, now: () => now });
  });
  afterEach(() => store.close());

  it('returns what was stored until the cookie expires, then forgets it', async () => {
    store.set('a', sessionExpiringAt(now + 1_000, { userId: 7 }));
    expect((await read(store, 'a'))?.userId).to.equal(7);
    now += 1_001;
    expect(await read(store, 'a')).to.equal(null);
    expect(store.rawValues()).to.deep.equal([]);
  });

  it('extends the expiry on touch (rolling sessions)', async () => {
    store.set('a', sessionExpiringAt(now + 1_000));
    now += 900;
    store.touch('a', sessionExpiringAt(now + 1_000));
    now += 900;
    expect(await read(store, 'a')).not.to.equal(null);
  });

  it('sweeps expired entries it is never asked for again (no leak)', () => {
    for (let i = 0; i < 100; i += 1) store.set(`s${i}`, sessionExpiringAt(now + 10));
    now += 11;
    store.sweep();
    expect(store.rawValues()).to.have.length(0);
  });

  it('destroys a session', async () => {
    store.set('a', sessionExpiringAt(now + 1_000));
    store.destroy('a');
    expect(await read(store, 'a')).to.equal(null);
  });

  it('keeps copies, not the caller’s object', async () => {
    const session = sessionExpiringAt(now + 1_000, { userId: 1 });
    store.set('a', session);
    session.userId = 2;
    expect((await read(store, 'a'))?.userId).to.equal(1);
  });
});
