/**
 * The web process: reads the configuration, builds the runtime, listens, and shuts down
 * gracefully on SIGTERM/SIGINT (stop accepting, let in-flight requests finish and close their
 * connections, then close the database pool, Redis and the embedded database).
 */
import type { Server, ServerResponse } from 'node:http';
import { getConfig, webPort } from './config/config.ts';
import { createConsoleLogger, LISTENING_MESSAGE } from './observability/console-logger.ts';
import type { Runtime } from './runtime.ts';
import { runEntryPoint } from './observability/run-entry-point.ts';
import { startEmbeddedDatabase } from './db/embedded-database.ts';

/** The app's modules, loaded once the embedded database has begun its start (`main`). */
async function loadApp() {
  const [{ buildRuntime }, { createApp }, { createErrorReporter }, { listenHttp }] = await Promise.all([
    import('./runtime.ts'),
    import('./app.ts'),
    import('./observability/error-reporter.ts'),
    import('./http/http-server.ts'),
  ]);
  return { buildRuntime, createApp, createErrorReporter, listenHttp };
}

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = getConfig();
  const logger = await createConsoleLogger({
    level: config.logLevel,
    nodeEnv: config.nodeEnv,
    isTTY: process.stdout.isTTY === true,
  });
  const started = Date.now();
  // A signal before the server listens stops it as soon as it does (so what the start opened,
  // the embedded database included, is closed); a second one exits at once.
  let signalledEarly: string | undefined;
  const stopEarly = (signal: string) => {
    if (signalledEarly) process.exit(1);
    signalledEarly = signal;
    logger.info({ signal }, 'stopping once started');
  };
  process.on('SIGTERM', stopEarly);
  process.on('SIGINT', stopEarly);
  // Without DATABASE_URL (development) the embedded database starts first, and the app's modules
  // load meanwhile: loading them takes longer than a new data folder's initdb.
  const embeddedDatabase = startEmbeddedDatabase(config, logger);
  // Its failure is thrown where the runtime takes it over; until then it must not count as unhandled.
  embeddedDatabase?.catch(() => undefined);
  let sandbox: { url: string; close(): Promise<void> } | undefined;
  let runtime: Runtime;
  let server: Server;
  let app: Awaited<ReturnType<typeof loadApp>>;
  try {
    app = await loadApp();
    // Development only (production refuses WHOP_SANDBOX): loaded on demand, so neither the sandbox
    // nor its packages are ever part of a production process.
    sandbox = config.whop.sandbox
      ? await (await import('./dev/sandbox-launcher.ts')).launchSandbox(config, logger)
      : undefined;
    const reportError = await app.createErrorReporter({
      dsn: config.sentryDsn,
      environment: config.nodeEnv,
      logger,
    });
    runtime = await app.buildRuntime(config, logger, {
      migrate: !config.isProduction,
      backgroundJobs: config.worker.inWebProcess,
      reportError,
      embeddedDatabase,
    });
  } catch (error) {
    try {
      await sandbox?.close();
    } finally {
      // The runtime stops the embedded server when it fails; before it took the server over, nobody
      // had. Closing twice is harmless: a second close waits for the first.
      await embeddedDatabase?.then((database) => database.close()).catch(() => undefined);
    }
    throw error;
  }
  try {
    server = await app.listenHttp(app.createApp(runtime.deps), webPort(config));
  } catch (error) {
    await runtime.close();
    await sandbox?.close();
    throw error;
  }
  server.keepAliveTimeout = 65_000;
  logger.info(
    { url: config.appUrl, ms: Date.now() - started, sandbox: sandbox ? `${sandbox.url}/sandbox` : 'off' },
    LISTENING_MESSAGE,
  );

  let stopping = false;
  // Once stopping, every answer not yet started closes its connection: a client that keeps a
  // kept-alive connection busy, or just open, would otherwise hold the shutdown up until the
  // grace period cuts the connection, possibly in the middle of a request.
  const answering = new Set<ServerResponse>();
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.prependListener('request', (_req, res) => {
    if (stopping) return closeAfterAnswer(res);
    answering.add(res);
    res.once('close', () => answering.delete(res));
  });
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: answering.size }, 'shutting down');
    for (const res of answering) closeAfterAnswer(res);
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    forced.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(forced);
    await runtime.close();
    await sandbox?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.off('SIGTERM', stopEarly);
  process.off('SIGINT', stopEarly);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (signalledEarly) void shutdown(signalledEarly);
}

runEntryPoint('chronos', main);
