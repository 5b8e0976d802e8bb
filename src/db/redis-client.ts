/**
 * The ioredis client. It fails fast while disconnected (no offline queue) and gives up on a
 * command Redis does not answer (a paused or overloaded server keeps the connection open but
 * never replies), so callers can answer 503 instead of hanging.
 */
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { connectionStartError, isTlsFailure } from './connection-start-error.ts';

/** Chronos's commands answer in milliseconds; no answer within this is an outage. */
export const COMMAND_TIMEOUT_MS = 2_000;

/** `tls`: Node's TLS options for a `rediss://` URL (config/redis-tls.ts); undefined for `redis://`. */
export function createRedisClient(url: string, logger: Logger, tls?: ConnectionOptions): Redis {
  const client = new Redis(url, {
    ...(tls ? { tls } : {}),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let healthy = true;
  client.on('error', (error: Error) => {
    if (healthy) logger.error({ err: { message: error.message } }, 'redis error');
    healthy = false;
  });
  client.on('ready', () => {
    if (!healthy) logger.info('redis reconnected');
    healthy = true;
  });
  return client;
}

/**
 * Waits for the first connection, so start-up fails clearly when Redis is not there. A TLS
 * failure (certificate not trusted, not naming the host, no TLS on the port) fails at once: it
 * does not go away by retrying.
 */
export async function waitForRedis(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  const { host, port } = client.options;
  const where = `Redis at ${host ?? ''}:${port ?? ''}`;
  const settings = client.options.tls ? 'REDIS_URL, REDIS_CA' : 'REDIS_URL';
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    const timer = setTimeout(() => {
      done();
      reject(connectionStartError(where, settings, new Error(`no answer within ${timeoutMs} ms`)));
    }, timeoutMs);
    function onReady() {
      done();
      resolve();
    }
    function onError(error: Error) {
      if (!isTlsFailure(error)) return;
      done();
      reject(connectionStartError(where, settings, error));
    }
    client.once('ready', onReady);
    client.on('error', onError);
  });
}

/**
 * Says at start that the Redis certificate is not checked (`REDIS_TLS_INSECURE=on`): an opt-out nobody sees is soon
 * forgotten.
 */
export function warnOfUncheckedRedisCertificate(config: Pick<Config, 'redisTlsInsecure'>, logger: Logger): void {
  if (config.redisTlsInsecure)
    logger.warn('REDIS_TLS_INSECURE is on: the Redis server certificate is not checked (encrypted, not authenticated)');
}
