/**
 * Signs a browser in to a Chronos deployment the way a person does: the app's login route,
 * the Whop sandbox's consent page, approve as a seeded user, back to the app's callback.
 * The same flow as `signIn` in test/support/chronos-with-sandbox.ts, for apps that run in
 * other processes. Whop always redirects to the deployment's APP_URL; `finishOn` sends that
 * callback to another instance instead, as a load balancer may.
 */
import { TestBrowser, formField } from '../../support/test-browser.ts';

export async function signInThroughSandbox(options: { startOn: string; finishOn?: string; sandboxUrl: string; whopUserId: string; browser?: TestBrowser }): Promise<TestBrowser> {
  const browser = options.browser ?? new TestBrowser();
  const start = await browser.get(`${options.startOn}/api/whop/auth/login`);
  if (start.status !== 302 || !start.location) throw new Error(`login did not redirect: ${start.status}`);
  const consent = await browser.get(start.location);
  const handle = formField(consent.text, 'handle');
  if (!handle) throw new Error(`no consent form:\n${consent.text.slice(0, 500)}`);
  const decision = await browser.post(`${options.sandboxUrl}/oauth/authorize/decision`, { handle, decision: 'approve', user_id: options.whopUserId });
  const callbackUrl = decision.location ? new URL(decision.location) : undefined;
  if (!callbackUrl?.pathname.endsWith('/api/whop/auth/callback')) throw new Error(`consent did not return to the app: ${decision.status} ${decision.location}`);
  const finishOn = new URL(options.finishOn ?? callbackUrl.origin);
  callbackUrl.host = finishOn.host;
  const callback = await browser.get(callbackUrl);
  if (callback.status !== 302) throw new Error(`callback failed: ${callback.status}\n${callback.text.slice(0, 800)}`);
  return browser;
}
