/**
 * One deployment's shared backing services for the scale-out and shutdown fault tests: a
 * PostgreSQL and a Redis of the test's own, a Whop sandbox whose registered redirect and
 * webhook URLs point at the first web instance's port, and a `pg` pool for the test to look
 * into the database. Every Chronos process the test starts is remembered and stopped by
 * `close()`, which never throws, so an `after()` hook cleans up even after a failed test.
 */
import pg from 'pg';
import { freePort } from '../../support/free-port.ts';
import { startPrivatePostgres, startPrivateRedis, type PrivateService } from '../../support/private-services.ts';
import { startTestSandbox, type TestSandbox } from '@chronos/whop-sandbox/testing';
import { startWeb, startWorker, type ChronosProcess, type Deployment } from '../../support/chronos-process.ts';

export interface ScaleDeployment {
  deployment: Deployment;
  /** The port `appUrl` names: the sandbox redirects and delivers there. */
  appPort: number;
  sandbox: TestSandbox;
  postgres: PrivateService;
  redis: PrivateService;
  /** A pool on the deployment's database, for the test's own queries. */
  db: pg.Pool;
  /**
   * A web instance; `name` becomes its database `application_name`, so the rows it touches
   * can be traced back to it. The first one must be started alone (it runs the migrations).
   */
  startWeb(name: string, options?: { port?: number; env?: Record<string, string> }): Promise<ChronosProcess>;
  /** A worker process, traced in the database as `name`. */
  startWorker(name: string, options?: { env?: Record<string, string> }): Promise<ChronosProcess>;
  /** Stops every process it started that still runs (SIGTERM, SIGKILL after 30 s), then the services. */
  close(): Promise<void>;
}

function databaseUrlFor(base: string, applicationName: string): string {
  const url = new URL(base);
  url.searchParams.set('application_name', applicationName);
  return url.href;
}

export async function startScaleDeployment(): Promise<ScaleDeployment> {
  const started: { stop(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => undefined);
  };
  try {
    const postgres = await startPrivatePostgres();
    started.push({ stop: () => postgres.close() });
    const redis = await startPrivateRedis();
    started.push({ stop: () => redis.close() });
    const appPort = await freePort();
    const appUrl = `http://localhost:${appPort}`;
    const sandbox = await startTestSandbox({
      app: { redirectUri: `${appUrl}/api/whop/auth/callback`, webhookUrl: `${appUrl}/api/whop/webhook` },
    });
    started.push({ stop: () => sandbox.close() });
    const db = new pg.Pool({ connectionString: databaseUrlFor(postgres.url, 'fault-test'), max: 4 });
    started.push({ stop: () => db.end() });
    const deployment: Deployment = { databaseUrl: postgres.url, redisUrl: redis.url, sandbox, appUrl };

    const processes: ChronosProcess[] = [];
    const remember = (process: ChronosProcess) => (processes.push(process), process);
    const withName = (name: string, env: Record<string, string> | undefined) => ({
      DATABASE_URL: databaseUrlFor(postgres.url, name),
      ...env,
    });

    return {
      deployment,
      appPort,
      sandbox,
      postgres,
      redis,
      db,
      async startWeb(name, options = {}) {
        return remember(await startWeb(deployment, { port: options.port, env: withName(name, options.env) }));
      },
      async startWorker(name, options = {}) {
        return remember(await startWorker(deployment, { env: withName(name, options.env) }));
      },
      async close() {
        await Promise.all(processes.map((p) => p.stop().catch(() => null)));
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
