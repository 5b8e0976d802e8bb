/**
 * The benchmarks' baseline, run in a process of its own (`runBaseline`): a bare Express app,
 * served the usual way (`app.listen`), loaded by autocannon inside the same process as the
 * Chronos side is, with a warm-up run before the measured one. Its own process keeps it apart
 * from Chronos in the bench process: code shared by two apps whose request objects have
 * different shapes runs slower for both (measured: a bare page about 30% slower once Chronos,
 * served by src/http-server.ts, had answered a few requests in the same process).
 *
 * As a child: `tsx scripts/bench/bare-express.ts <dashboard|webhook-ingest> <seconds> <connections>`,
 * printing one JSON LoadResult line.
 */
import express, { type Express } from 'express';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { close, listen, load, type LoadResult } from './bench-support.ts';
import { signedWebhookRequest } from './signed-webhook-request.ts';

export type BaselineName = 'dashboard' | 'webhook-ingest';

const PAGE = `<!doctype html><html><body><h1>Dashboard</h1>${'<p>row</p>'.repeat(50)}</body></html>`;

function bareApp(name: BaselineName): { app: Express; path: string } {
  const app = express();
  if (name === 'dashboard') {
    app.get('/dashboard', (_req, res) => res.type('html').send(PAGE));
    return { app, path: '/dashboard' };
  }
  app.post('/api/whop/webhook', express.raw({ type: () => true, limit: '1mb' }), (_req, res) => {
    res.status(200).json({ received: true });
  });
  return { app, path: '/api/whop/webhook' };
}

async function measureHere(name: BaselineName, seconds: number, connections: number): Promise<LoadResult> {
  const { app, path } = bareApp(name);
  const { url, server } = await listen(app);
  // The same requests as the Chronos side (a webhook is signed as Whop would; the bare app does not check).
  const requests = name === 'webhook-ingest' ? [{ setupRequest: signedWebhookRequest(randomBytes(24).toString('base64'), { n: 0 }) as never }] : undefined;
  const run = () => load({ url: `${url}${path}`, connections, duration: seconds, requests });
  await run();
  const result = await run();
  await close(server);
  return result;
}

/** Runs the baseline in a child process and returns its figures. */
export function runBaseline(name: BaselineName, options: { seconds: number; connections: number }): Promise<LoadResult> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', script, name, String(options.seconds), String(options.connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`the baseline process failed (exit ${code}): ${output}`));
      resolve(JSON.parse(last) as LoadResult);
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, seconds, connections] = process.argv.slice(2);
  if (name !== 'dashboard' && name !== 'webhook-ingest') throw new Error(`unknown baseline ${name}`);
  const result = await measureHere(name, Number(seconds), Number(connections));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
