/**
 * A local HTTP endpoint standing in for the app's webhook route: records every request
 * (headers and raw body) and answers with the next status of a script (then 200).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface WebhookListener {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves when at least `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /**
   * From now on records each request but answers none until the returned function is called (a
   * slow endpoint, or one that never answers): the test decides, no time has to pass.
   */
  hold(): () => void;
  close(): Promise<void>;
}

export async function startWebhookListener(statuses: number[] = []): Promise<WebhookListener> {
  const received: ReceivedWebhook[] = [];
  let held: Promise<void> | undefined;
  let release = () => {};
  const script = [...statuses];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = script.shift() ?? 200;
      for (const wake of waiters.splice(0)) wake();
      const answer = () => {
        if (!res.destroyed)
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ received: status < 300 }));
      };
      if (held) void held.then(answer);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/whop/webhook`,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    hold() {
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    async close() {
      release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Verifies with the official `standardwebhooks` library, keyed as Whop's `ws_…` secrets are (UTF-8 bytes). */
export function verifyWithStandardWebhooks(secret: string, webhook: ReceivedWebhook): unknown {
  const verifier = new Webhook(Buffer.from(secret, 'utf8').toString('base64'));
  return verifier.verify(webhook.body, webhook.headers);
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
