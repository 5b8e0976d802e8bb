/**
 * One Chronos deployment for an outage test: a PostgreSQL and a Redis of the test's own, the
 * Whop sandbox in the test process, and one real web process wired to all three. `close()`
 * stops whatever was started, in reverse order, even when the start failed half way.
 */
import pg from 'pg';
import { startPrivatePostgres, startPrivateRedis, type PrivateService } from '../../support/private-services.ts';
import { startTestSandbox, type TestSandbox } from '@chronos/whop-sandbox/testing';
import { freePort } from '../../support/free-port.ts';
import { startWeb, type ChronosProcess, type Deployment } from '../../support/chronos-process.ts';

export interface OutageDeployment {
  appUrl: string;
  postgres: PrivateService;
  redis: PrivateService;
  sandbox: TestSandbox;
  web: ChronosProcess;
  webhookSecret: string;
  /** Runs one statement on the private database over a connection of its own (none is kept open between calls). */
  query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function startOutageDeployment(options: { env?: Record<string, string> } = {}): Promise<OutageDeployment> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const postgres = await startPrivatePostgres();
    closers.push(() => postgres.close());
    const redis = await startPrivateRedis();
    closers.push(() => redis.close());
    const port = await freePort();
    const appUrl = `http://localhost:${port}`;
    const sandbox = await startTestSandbox({
      app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` },
    });
    closers.push(() => sandbox.close());
    const deployment: Deployment = {
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      sandbox,
      appUrl,
      env: options.env,
    };
    const web = await startWeb(deployment, { port });
    closers.push(() => web.stop());

    async function query<Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<Row[]> {
      const client = new pg.Client({ connectionString: postgres.url, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query<Row>(sql, values)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    }

    return { appUrl, postgres, redis, sandbox, web, webhookSecret: sandbox.options.app.webhookSecret, query, close };
  } catch (error) {
    await close();
    throw error;
  }
}
