/**
 * The ioredis client. It fails fast while disconnected (no offline queue) and gives up on a
 * command Redis does not answer (a paused or overloaded server keeps the connection open but
 * never replies), so callers can answer 503 instead of hanging.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Chronos's commands answer in milliseconds; no answer within this is an outage. */
export const COMMAND_TIMEOUT_MS = 2_000;

export function createRedisClient(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
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

/** Waits for the first connection, so start-up fails clearly when Redis is not there. */
export async function waitForRedis(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    client.once('ready', onReady);
  });
}
