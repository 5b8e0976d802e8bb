/**
 * The load generator: autocannon's API (for ranges of a video, range-load.ts) in a process of its
 * own, so it never takes CPU from the process it measures. What a request needs is made here
 * too: a creator signed in through the sandbox (its session cookie sent with every request) or a
 * signed, unique webhook per request (`setupRequest`). The server only serves.
 *
 * As a child (`startLoadGenerator`): sets up, says `ready`, then answers each `run` message
 * with the run's figures, until the parent closes the channel.
 */
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { TestBrowser, formField } from '../../test/support/test-browser.ts';
import { signInThroughSandbox } from '../../test/support/sandbox-sign-in.ts';
import { childArgument, forkChild, tellParent, type BenchMessage } from './bench-children.ts';
import type { LoadResult } from './bench-support.ts';
import { signedWebhookRequest } from './signed-webhook-request.ts';
import { runRangeLoad } from './range-load.ts';

/** A creator to sign in as before the runs, with the company they onboard and a text their dashboard must show. */
export interface SignIn {
  appUrl: string;
  sandboxUrl: string;
  whopUserId: string;
  companyId: string;
  expectText: string;
}

export type LoadSpec =
  /** `sessionFrom`: a URL whose answer sets the session cookie every request then sends (a baseline's own sign-in). */
  | { kind: 'page'; url: string; signIn?: SignIn; sessionFrom?: string }
  | { kind: 'webhook'; url: string; secret: string }
  /**
   * GETs of `rangeBytes`-long ranges at random aligned offsets of a `sizeBytes` file: at `url`, or
   * at the media URL the page at `playerUrl` gives its `<video>` (read once the runs begin).
   */
  | { kind: 'range'; url: string; playerUrl?: string; sizeBytes: number; rangeBytes: number; signIn?: SignIn };

export interface LoadGenerator {
  run(seconds: number): Promise<LoadResult>;
  stop(): Promise<void>;
}

export async function startLoadGenerator(spec: LoadSpec, connections: number): Promise<LoadGenerator> {
  const child = forkChild('load generator', fileURLToPath(import.meta.url), { spec, connections });
  try {
    await child.next('ready');
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    async run(seconds) {
      child.send({ type: 'run', seconds });
      return (await child.next<BenchMessage & { result: LoadResult }>('result')).result;
    },
    stop: () => child.stop(),
  };
}

/** Signs the creator in as a person does, onboards their company, checks the dashboard; returns the session's cookie header. */
export async function signedInCookie(signIn: SignIn): Promise<string> {
  const browser = new TestBrowser();
  await signInThroughSandbox({
    appUrl: signIn.appUrl,
    sandboxUrl: signIn.sandboxUrl,
    whopUserId: signIn.whopUserId,
    browser,
  });
  // As on Whop, Chronos reaches a company only once its admin has installed the app there.
  const installed = await fetch(`${signIn.sandboxUrl}/sandbox/api/installations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company_id: signIn.companyId, user_id: signIn.whopUserId }),
  });
  if (installed.status !== 201 && installed.status !== 409)
    throw new Error(`the sandbox did not install the app on ${signIn.companyId}: ${installed.status}`);
  const page = await browser.get(`${signIn.appUrl}/dashboard`);
  await browser.post(`${signIn.appUrl}/onboarding`, {
    _csrf: formField(page.text, '_csrf')!,
    companyId: signIn.companyId,
  });
  const me = await browser.get(`${signIn.appUrl}/api/me`);
  if (me.status !== 200 || (JSON.parse(me.text) as { role?: string }).role !== 'creator')
    throw new Error(`${signIn.whopUserId} did not become the creator of ${signIn.companyId}`);
  const check = await browser.get(`${signIn.appUrl}/dashboard`);
  if (!check.text.includes(signIn.expectText)) throw new Error(`the dashboard did not show ${signIn.expectText}`);
  return browser.cookieHeader(signIn.appUrl);
}

/** Where every run sends its requests, with which headers, over how many connections. */
interface Target {
  url: string;
  headers: Record<string, string>;
  connections: number;
}

/** The session cookie the answer at `url` sets (its name and value). */
async function cookieFrom(url: string): Promise<string> {
  const answer = await fetch(url);
  await answer.text();
  const cookie = answer.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('chronos.sid='));
  if (answer.status !== 200 || !cookie) throw new Error(`${url} set no session cookie (${answer.status})`);
  return cookie;
}

async function targetOf(spec: LoadSpec, connections: number): Promise<Target> {
  const signIn = spec.kind === 'webhook' ? undefined : spec.signIn;
  if (signIn) return { url: spec.url, headers: { cookie: await signedInCookie(signIn) }, connections };
  if (spec.kind === 'page' && spec.sessionFrom)
    return { url: spec.url, headers: { cookie: await cookieFrom(spec.sessionFrom) }, connections };
  return { url: spec.url, headers: {}, connections };
}

/** The `src` of the `<source>` of the player page at `playerUrl`, as the browser would resolve it. */
async function playerMediaUrl(playerUrl: string, cookie: string | undefined): Promise<string> {
  const page = await fetch(playerUrl, { headers: cookie ? { cookie } : {} });
  const html = await page.text();
  const src = /<source src="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !src) throw new Error(`the player page ${playerUrl} gave no media URL (${page.status})`);
  return new URL(src.replaceAll('&amp;', '&'), playerUrl).toString();
}

async function measure(spec: LoadSpec, target: Target, seconds: number): Promise<LoadResult> {
  if (spec.kind === 'range')
    return runRangeLoad({ ...target, sizeBytes: spec.sizeBytes, rangeBytes: spec.rangeBytes }, seconds);
  const webhooks = spec.kind === 'webhook' && {
    requests: [{ setupRequest: signedWebhookRequest(spec.secret, { n: 0 }) }],
  };
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ ...target, ...webhooks, duration: seconds });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    loadCpuMicrosPerRequest: Math.round((cpu.user + cpu.system) / Math.max(1, result.requests.total)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { spec, connections } = childArgument<{ spec: LoadSpec; connections: number }>();
  const base = await targetOf(spec, connections);
  // The player page exists once the parent has set up (after `ready`): its media URL is read at the first run.
  let resolved: Promise<Target> | undefined;
  const runTarget = () =>
    (resolved ??=
      spec.kind === 'range' && spec.playerUrl
        ? playerMediaUrl(spec.playerUrl, base.headers.cookie).then((url) => ({ ...base, url }))
        : Promise.resolve(base));
  process.on('message', (message: BenchMessage) => {
    if (message.type !== 'run') return;
    runTarget()
      .then((target) => measure(spec, target, Number(message.seconds)))
      .then(
        (result) => tellParent({ type: 'result', result }),
        (error: unknown) => {
          process.stderr.write(`load generator failed: ${(error as Error).stack ?? String(error)}\n`);
          process.exit(1);
        },
      );
  });
  process.on('disconnect', () => process.exit(0));
  tellParent({ type: 'ready' });
}
