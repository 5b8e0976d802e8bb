import { expect } from 'chai';
import { pino } from 'pino';
import { createServer, type Server } from 'node:net';
import { createRedisClient, waitForRedis, warnOfUncheckedRedisCertificate } from '../../src/db/redis-client.ts';
import { ConnectionStartError } from '../../src/db/connection-start-error.ts';
import { logRecords } from '../support/log-records.ts';

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('the Redis client over TLS', () => {
  let plain: Server | undefined;
  afterEach(() => plain?.close());

  it('warns at start when REDIS_TLS_INSECURE leaves the certificate unchecked, and says nothing otherwise', () => {
    const on = capture();
    warnOfUncheckedRedisCertificate({ redisTlsInsecure: true }, on.logger);
    expect(logRecords(on.lines).map((r) => [r.level, r.msg])).to.deep.equal([
      [40, 'REDIS_TLS_INSECURE is on: the Redis server certificate is not checked (encrypted, not authenticated)'],
    ]);
    const off = capture();
    warnOfUncheckedRedisCertificate({ redisTlsInsecure: false }, off.logger);
    expect(off.lines).to.deep.equal([]);
  });

  it('fails at once, naming Redis and its TLS settings, when the server does not speak TLS (no fallback to plain text)', async () => {
    // A plain TCP server that answers the TLS hello with text, as a Redis without TLS would.
    plain = createServer((socket) => socket.end('-ERR not TLS\r\n'));
    await new Promise<void>((resolve) => plain?.listen(0, '127.0.0.1', resolve));
    const address = plain.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = createRedisClient(`rediss://127.0.0.1:${port}`, capture().logger, { rejectUnauthorized: true });
    try {
      const started = Date.now();
      const error = await waitForRedis(client, 10_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConnectionStartError);
      expect((error as Error).message).to.match(/^Redis at 127\.0\.0\.1:\d+ \(REDIS_URL, REDIS_CA\): TLS failed: /);
      expect(Date.now() - started).to.be.below(5_000);
    } finally {
      client.disconnect();
    }
  });
});
