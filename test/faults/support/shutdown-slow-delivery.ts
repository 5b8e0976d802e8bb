/**
 * A webhook delivery written by hand on a raw keep-alive socket, its body in two halves, so a
 * test can hold a request in flight (headers received, body not finished) while it stops the
 * server; and then keep the connection open afterwards, as a client with a connection pool does.
 * The headers ask `Expect: 100-continue`, so the server says when it has taken the request
 * (Node answers `100 Continue` as it hands the request to the app): the test waits for that
 * answer, not for time to pass.
 */
import { connect, type Socket } from 'node:net';
import { signWebhook } from '@chronos/whop-sandbox/webhook-signer';
import type { Delivery } from '../../support/webhook-deliveries.ts';

export interface SlowDelivery {
  /** Sends the rest of the body; resolves with the answer's status line and headers. */
  finish(): Promise<{ status: number; headers: Record<string, string> }>;
  /** True until the server closes the connection. */
  open(): boolean;
  close(): void;
}

export async function startSlowDelivery(appUrl: string, secret: string, item: Delivery): Promise<SlowDelivery> {
  const url = new URL(appUrl);
  const socket: Socket = connect(Number(url.port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  let received = '';
  let onChange = () => {};
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    onChange();
  });
  socket.on('close', () => onChange());
  /** Resolves with what was received once `done` holds of it; rejects when the connection closes first. */
  const receivedUntil = (done: (text: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: not within 10 s`)), 10_000);
      onChange = () => {
        if (done(received)) resolve(received);
        else if (closed) reject(new Error(`the connection closed before ${what}: ${JSON.stringify(received)}`));
        else return;
        clearTimeout(timer);
        onChange = () => {};
      };
      onChange();
    });

  const body = Buffer.from(item.body);
  const signature = signWebhook({
    id: item.webhookId,
    timestamp: Math.floor(Date.now() / 1000),
    body: item.body,
    secret,
  });
  const head = [
    'POST /api/whop/webhook HTTP/1.1',
    `Host: ${url.host}`,
    'Connection: keep-alive',
    'Content-Type: application/json',
    'Expect: 100-continue',
    `Content-Length: ${body.length}`,
    ...Object.entries(signature).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  const half = Math.floor(body.length / 2);
  socket.write(Buffer.from(head, 'latin1'));
  const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
  await receivedUntil((text) => text.startsWith(CONTINUE), 'the server taking the request');
  received = received.slice(CONTINUE.length);
  socket.write(body.subarray(0, half));

  return {
    async finish() {
      socket.write(body.subarray(half));
      await receivedUntil((text) => text.includes('\r\n\r\n'), 'an answer');
      const [statusLine, ...headerLines] = received.slice(0, received.indexOf('\r\n\r\n')).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      return { status: Number(statusLine!.split(' ')[1]), headers };
    },
    open: () => !closed,
    close: () => socket.destroy(),
  };
}
