/**
 * An HTTP proxy in front of the sandbox that counts the requests reaching it, so tests can
 * prove how many calls Chronos makes to Whop (e.g. none on repeated page views). It also keeps
 * each request's headers, can answer the next requests itself (Whop's 429 without
 * `Retry-After`), and can edit an answer on its way back (a tampered id_token).
 */
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  requests: string[];
  count(prefix?: string): number;
  /** Forgets the requests seen and the answers not given yet. */
  reset(): void;
  /**
   * Holds every request from now on until the returned function is called (a slow Whop), then
   * passes them on: the test decides when Whop answers, no time has to pass.
   */
  hold(): () => void;
  /** Where requests go; may be set after the proxy started (an issuer whose origin is the proxy). */
  target: string;
  /** The headers of each request, in the order of `requests`. */
  headers: IncomingHttpHeaders[];
  /** Answers the next requests whose URL starts with `match` (or matches it) itself, without passing them on. */
  answerNext(count: number, match: string | RegExp, answer: CannedAnswer): void;
  /** Edits the body of answers on their way back (undefined: pass through). */
  rewrite: ((request: string, body: string) => string) | undefined;
  close(): Promise<void>;
}

export interface CannedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const requests: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const canned: { match: string | RegExp; answer: CannedAnswer }[] = [];
  const proxy: { held: Promise<void> | undefined; target: string; rewrite: CountingProxy['rewrite'] } = {
    held: undefined,
    target,
    rewrite: undefined,
  };
  const respond = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const request = `${req.method} ${req.url}`;
    requests.push(request);
    headers.push(req.headers);
    if (proxy.held) await proxy.held; // a slow upstream, until the test lets it answer
    const url = req.url ?? '/';
    const cannedAt = canned.findIndex((c) =>
      typeof c.match === 'string' ? url.startsWith(c.match) : c.match.test(url),
    );
    if (cannedAt >= 0) {
      const { answer } = canned.splice(cannedAt, 1)[0]!;
      req.resume();
      res
        .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        .end(JSON.stringify(answer.body));
      return;
    }
    const upstream = http.request(
      new URL(req.url ?? '/', proxy.target),
      { method: req.method, headers: { ...req.headers, host: new URL(proxy.target).host } },
      (answer) => {
        const rewrite = proxy.rewrite;
        if (!rewrite) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = rewrite(request, Buffer.concat(chunks).toString('utf8'));
          const { 'content-length': _length, 'transfer-encoding': _encoding, etag: _etag, ...rest } = answer.headers;
          res
            .writeHead(answer.statusCode ?? 502, { ...rest, 'content-length': String(Buffer.byteLength(body)) })
            .end(body);
        });
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };
  const server: Server = http.createServer((req, res) => {
    respond(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    count: (prefix = '') => requests.filter((r) => r.split(' ')[1]?.startsWith(prefix)).length,
    reset: () => {
      requests.splice(0);
      headers.splice(0);
      canned.splice(0);
    },
    hold() {
      let release = () => {};
      proxy.held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        proxy.held = undefined;
        release();
      };
    },
    answerNext(count: number, match: string | RegExp, answer: CannedAnswer) {
      for (let i = 0; i < count; i += 1) canned.push({ match, answer });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
