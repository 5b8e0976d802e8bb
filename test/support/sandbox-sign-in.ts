/**
 * Signs a browser in to Chronos the way a person does: the app's login route, the Whop
 * sandbox's consent page, approve as a seeded user, back to the app's callback. Used for apps
 * in this process and in others. Whop always redirects to the app's APP_URL (`appUrl`);
 * `startOn` and `finishOn` send the first and last step to other instances of the same
 * deployment instead, as a load balancer may.
 */
import { TestBrowser, formField } from './test-browser.ts';

export interface SandboxSignIn {
  /** The APP_URL the sandbox redirects to (its registered redirect URI's origin). */
  appUrl: string;
  sandboxUrl: string;
  whopUserId: string;
  startOn?: string;
  finishOn?: string;
  browser?: TestBrowser;
}

export async function signInThroughSandbox(options: SandboxSignIn): Promise<TestBrowser> {
  const browser = options.browser ?? new TestBrowser();
  const start = await browser.get(`${options.startOn ?? options.appUrl}/api/whop/auth/login`);
  if (start.status !== 302 || !start.location)
    throw new Error(`login did not redirect: ${start.status}\n${start.text.slice(0, 500)}`);
  const consent = await browser.get(start.location);
  const handle = formField(consent.text, 'handle');
  if (!handle) throw new Error(`no consent form:\n${consent.text.slice(0, 500)}`);
  const decision = await browser.post(`${options.sandboxUrl}/oauth/authorize/decision`, {
    handle,
    decision: 'approve',
    user_id: options.whopUserId,
  });
  if (!decision.location?.startsWith(`${options.appUrl}/api/whop/auth/callback`))
    throw new Error(`consent did not return to the app: ${decision.status} ${decision.location}`);
  const callbackUrl = new URL(decision.location);
  if (options.finishOn) callbackUrl.host = new URL(options.finishOn).host;
  const callback = await browser.get(callbackUrl);
  if (callback.status !== 302) throw new Error(`callback failed: ${callback.status}\n${callback.text.slice(0, 800)}`);
  return browser;
}
