/**
 * HTTP for outage tests: every request has a deadline (a hung answer is a finding, not a hung
 * test run), and sign-in goes through the sandbox's consent page as a browser would.
 */
import { TestBrowser, formField } from '../../support/test-browser.ts';

export interface TimedAnswer {
  /** The HTTP status, or `timeout` when no answer came within the deadline, `error` when the connection failed. */
  status: number | 'timeout' | 'error';
  headers: Headers;
  text: string;
  ms: number;
}

/** GETs `url` (with the browser's cookies, if given) and gives up after `timeoutMs`. No redirects are followed. */
export async function timedGet(url: string, options: { browser?: TestBrowser; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<TimedAnswer> {
  const started = Date.now();
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.browser?.cookieHeader(url);
  if (cookie) headers.cookie = cookie;
  try {
    const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, ms: Date.now() - started };
  } catch (error) {
    const status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    return { status, headers: new Headers(), text: String(error), ms: Date.now() - started };
  }
}

export interface Readiness {
  status: TimedAnswer['status'];
  body: { status?: string; checks?: { database?: string; redis?: string }; failing?: string[] };
}

export async function readiness(appUrl: string): Promise<Readiness> {
  const answer = await timedGet(`${appUrl}/readyz`, { timeoutMs: 10_000 });
  let body: Readiness['body'] = {};
  try {
    body = JSON.parse(answer.text) as Readiness['body'];
  } catch {
    // not JSON: the status says enough
  }
  return { status: answer.status, body };
}

/** Polls `check` every `intervalMs` until it is true; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Signs `whopUserId` in through the sandbox's consent page; returns the browser holding the session cookie. */
export async function signIn(appUrl: string, sandboxUrl: string, whopUserId: string, browser = new TestBrowser()): Promise<TestBrowser> {
  const start = await browser.get(`${appUrl}/api/whop/auth/login`);
  if (start.status !== 302 || !start.location) throw new Error(`login did not redirect: ${start.status}\n${start.text.slice(0, 500)}`);
  const consent = await browser.get(start.location);
  const handle = formField(consent.text, 'handle');
  if (!handle) throw new Error(`no consent form:\n${consent.text.slice(0, 500)}`);
  const decision = await browser.post(`${sandboxUrl}/oauth/authorize/decision`, { handle, decision: 'approve', user_id: whopUserId });
  if (!decision.location?.startsWith(`${appUrl}/api/whop/auth/callback`)) throw new Error(`consent did not return to the app: ${decision.status} ${decision.location}`);
  const callback = await browser.get(decision.location);
  if (callback.status !== 302) throw new Error(`callback failed: ${callback.status}\n${callback.text.slice(0, 800)}`);
  return browser;
}

/** Signs the seeded `user_creator_free` in and makes them the creator of their company `biz_creator1`. */
export async function signInCreator(appUrl: string, sandboxUrl: string): Promise<TestBrowser> {
  const browser = await signIn(appUrl, sandboxUrl, 'user_creator_free');
  await onboard(browser, appUrl, 'biz_creator1');
  return browser;
}

/** Makes the signed-in user the creator of `companyId` (the onboarding form, with its CSRF token). */
export async function onboard(browser: TestBrowser, appUrl: string, companyId: string): Promise<void> {
  const page = await browser.get(`${appUrl}/dashboard`);
  const csrf = formField(page.text, '_csrf');
  if (page.status !== 200 || !csrf) throw new Error(`no onboarding form: ${page.status}\n${page.text.slice(0, 500)}`);
  const answer = await browser.post(`${appUrl}/onboarding`, { _csrf: csrf, companyId });
  if (answer.status !== 303) throw new Error(`onboarding failed: ${answer.status}\n${answer.text.slice(0, 500)}`);
}
