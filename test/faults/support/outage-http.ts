/**
 * HTTP for outage tests: every request has a deadline (a hung answer is a finding, not a hung
 * test run), and sign-in goes through the sandbox's consent page as a browser would.
 */
import { TestBrowser } from '../../support/test-browser.ts';
import { signInThroughSandbox } from '../../support/sandbox-sign-in.ts';
import { SandboxControl } from '../../support/sandbox-control.ts';
import { onboard } from '../../support/onboarding.ts';

export interface TimedAnswer {
  /** The HTTP status, or `timeout` when no answer came within the deadline, `error` when the connection failed. */
  status: number | 'timeout' | 'error';
  headers: Headers;
  text: string;
  ms: number;
}

/** GETs `url` (with the browser's cookies, if given) and gives up after `timeoutMs`. No redirects are followed. */
export async function timedGet(
  url: string,
  options: { browser?: TestBrowser; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<TimedAnswer> {
  const started = Date.now();
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.browser?.cookieHeader(url);
  if (cookie) headers.cookie = cookie;
  try {
    const response = await fetch(url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
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

/** Signs `whopUserId` in through the sandbox's consent page; returns the browser holding the session cookie. */
export function signIn(
  appUrl: string,
  sandboxUrl: string,
  whopUserId: string,
  browser = new TestBrowser(),
): Promise<TestBrowser> {
  return signInThroughSandbox({ appUrl, sandboxUrl, whopUserId, browser });
}

/** Signs the seeded `user_creator_free` in and makes them the creator of their company `biz_creator1`. */
export async function signInCreator(appUrl: string, sandboxUrl: string): Promise<TestBrowser> {
  const browser = await signIn(appUrl, sandboxUrl, 'user_creator_free');
  // As on Whop, the company's admin installs the app on it first (the sandbox's control API).
  const control = new SandboxControl(sandboxUrl);
  if (!(await control.installedCompanies()).includes('biz_creator1'))
    await control.install('biz_creator1', 'user_creator_free');
  await onboard({ appUrl }, browser, 'biz_creator1');
  return browser;
}
