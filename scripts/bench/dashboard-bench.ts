/**
 * `dashboard`: a signed-in creator (Redis session store when REDIS_URL is set, real PostgreSQL)
 * requesting /dashboard with concurrency, next to a bare Express baseline sending a page (in a
 * process of its own, bare-express.ts). Whop is the sandbox behind a counting proxy: the run must make zero Whop calls.
 */
import type { Logger } from 'pino';
import { TestBrowser, formField } from '../../test/support/test-browser.ts';
import type { CountingProxy } from '../../test/support/counting-proxy.ts';
import { signInThroughSandbox } from '../../test/support/sandbox-sign-in.ts';
import { line, load, rssMb, type LoadResult } from './bench-support.ts';
import { runBaseline } from './bare-express.ts';

export async function dashboardBench(logger: Logger, whop: { sandboxUrl: string; calls: CountingProxy }, app: { url: string }, options: { seconds: number; connections: number }): Promise<void> {
  const browser = new TestBrowser();
  await signInThroughSandbox({ appUrl: app.url, sandboxUrl: whop.sandboxUrl, whopUserId: 'user_creator_free', browser });
  const page = await browser.get(`${app.url}/dashboard`);
  await browser.post(`${app.url}/onboarding`, { _csrf: formField(page.text, '_csrf')!, companyId: 'biz_creator1' });
  const check = await browser.get(`${app.url}/dashboard`);
  if (!check.text.includes('Creator One')) throw new Error('the creator dashboard did not render');
  const cookie = browser.cookieHeader(app.url);

  const run = (url: string): Promise<LoadResult> => load({ url: `${url}/dashboard`, connections: options.connections, duration: options.seconds, headers: { cookie } });

  // Each side gets a warm-up run (JIT, connection pools) before the run that is measured.
  const base = await runBaseline('dashboard', options);
  const rssBefore = rssMb();
  whop.calls.reset();
  await run(app.url);
  const measured = await run(app.url);
  const whopCalls = whop.calls.count('/api/v1');
  logger.info({ base, measured }, 'dashboard load');
  process.stdout.write(`${line('dashboard', measured, base)}\n`);
  process.stdout.write(`  baseline (bare Express page): ${Math.round(base.rps)} req/s p99 ${base.p99} ms, ${base.cpuMicrosPerRequest} µs CPU/request; chronos: latency p50 ${measured.p50} / p90 ${measured.p90} / max ${measured.max} ms, ${measured.cpuMicrosPerRequest} µs CPU/request, ${measured.ok} ok, ${measured.non2xx} non-2xx, ${measured.errors} errors; Whop calls during the run: ${whopCalls}; RSS ${rssBefore} → ${rssMb()} MB\n`);
  if (measured.non2xx > 0 || whopCalls > 0) process.exitCode = 1;
}
