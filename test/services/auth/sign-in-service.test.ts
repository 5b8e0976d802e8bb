/**
 * The sign-in rules that need no Whop: a pending sign-in expires after PENDING_LOGIN_TTL_MS on
 * the injected clock, a session keeps only the newest few live ones, and the callback is
 * checked (state, provider error, expiry) before anything is exchanged. The exchange itself is
 * proven against the sandbox (test/integration/sign-in.test.ts).
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { testClock } from '../../support/test-clock.ts';
import { createSignInService, PENDING_LOGIN_TTL_MS } from '../../../src/services/auth/sign-in-service.ts';
import { SignInError } from '../../../src/services/auth/auth-errors.ts';
import type { PendingLogin } from '../../../src/services/auth/sign-in-service.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const pending = (expiresAt: number): PendingLogin => ({
  nonce: 'n',
  codeVerifier: 'v',
  returnTo: undefined,
  expiresAt,
});

describe('sign-in service: the rules before the exchange', () => {
  let t: TestApp;
  const clock = testClock(T0);
  let service: ReturnType<typeof createSignInService>;

  before(async () => {
    t = await startTestApp();
    const { services } = t.runtime.deps;
    service = createSignInService({
      oidc: services.oidc,
      users: services.users,
      logger: pino({ level: 'silent' }),
      now: clock.now,
    });
  });
  after(() => t.close());
  beforeEach(() => clock.set(T0));

  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      expect(error).to.be.instanceOf(SignInError);
      return error as SignInError;
    }
    throw new Error('expected a SignInError');
  };

  it('accepts a callback for a live pending sign-in, and refuses it once it has expired on the clock', () => {
    const pendings = { s1: pending(T0 + PENDING_LOGIN_TTL_MS) };
    clock.set(T0 + PENDING_LOGIN_TTL_MS - 1);
    expect(service.checkCallback({ state: 's1', code: 'c' }, pendings)).to.equal(pendings.s1);
    clock.set(T0 + PENDING_LOGIN_TTL_MS);
    expect(refusal(() => service.checkCallback({ state: 's1', code: 'c' }, pendings)).message).to.match(/too long/);
  });

  it('refuses an unknown state and reports a provider error', () => {
    expect(
      refusal(() => service.checkCallback({ state: 'other', code: 'c' }, { s1: pending(T0 + 1000) })).message,
    ).to.match(/not valid any more/);
    expect(
      refusal(() => service.checkCallback({ state: 's1', error: 'access_denied' }, { s1: pending(T0 + 1000) })).message,
    ).to.match(/declined/);
  });

  it('keeps the newest live pending sign-ins of a session, dropping expired ones', () => {
    let pendings: Record<string, PendingLogin> | undefined;
    for (let n = 1; n <= 7; n += 1) pendings = service.remember(pendings, `s${n}`, pending(T0 + n * 1000));
    expect(Object.keys(pendings!)).to.deep.equal(['s3', 's4', 's5', 's6', 's7']);
    clock.set(T0 + 5000);
    expect(Object.keys(service.remember(pendings, 's8', pending(T0 + 99_000)))).to.deep.equal(['s6', 's7', 's8']);
  });
});
