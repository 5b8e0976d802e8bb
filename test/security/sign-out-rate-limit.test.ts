import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { csrfOf } from './support/security-fixture.ts';
import { sessionIdOf, storedSession } from '../support/session-inspection.ts';

describe('sign-out is not held back by the sign-in rate limit', function () {
  this.timeout(60_000);
  let t: ChronosWithSandbox;
  // Two sign-in requests a minute: exactly the login and callback of one sign-in.
  before(async () => (t = await startChronosWithSandbox({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '2' } })));
  after(() => t.close());

  it('signs out (and ends the session) after the network spent its sign-in budget', async () => {
    const browser = await t.signIn('user_creator_free');
    const csrf = await csrfOf(t, browser);
    const sid = sessionIdOf(browser, t.appUrl)!;
    expect((await browser.get(`${t.appUrl}/api/whop/auth/login`)).status, 'sign-in budget spent').to.equal(429);

    const signOut = await browser.post(`${t.appUrl}/api/whop/auth/logout`, { _csrf: csrf });
    expect(signOut.status).to.equal(302);
    expect(new URL(signOut.location!, t.appUrl).pathname).to.equal('/');
    expect(await storedSession(t.runtime, sid)).to.equal(null);
  });
});
