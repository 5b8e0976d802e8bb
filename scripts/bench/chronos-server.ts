/**
 * Chronos for the benchmarks, in a process that does nothing but serve: the runtime built from
 * the bench's settings (no background jobs: the bench drains webhooks in its own process, as
 * the worker process would), the app served exactly as src/server.ts serves it (`listenHttp`
 * on the configured port, keep-alive timeout 65 s).
 *
 * As a child (`startChronos`): listens on `PORT` (all interfaces) and reports its URL on 127.0.0.1.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig, webPort } from '../../src/config/config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { buildRuntime } from '../../src/runtime.ts';
import { createApp } from '../../src/app.ts';
import { listen, listenHttp } from '../../src/http/http-server.ts';
import { childArgument, closeServer, serveForBench, startServer, type BenchServer } from './bench-children.ts';

/**
 * The environment Chronos reads its configuration from (it must set PORT). `plainServer`: served
 * by `http.createServer(app)` instead, without the app's own request classes (src/http/http-server.ts),
 * for the A/B the media-range bench prints.
 */
export function startChronos(
  env: Record<string, string>,
  options: { plainServer?: boolean } = {},
): Promise<BenchServer> {
  return startServer('Chronos', fileURLToPath(import.meta.url), { env, plainServer: options.plainServer === true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { env, plainServer } = childArgument<{ env: Record<string, string>; plainServer: boolean }>();
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const runtime = await buildRuntime(config, logger, { migrate: false });
  const port = webPort(config);
  const app = createApp(runtime.deps);
  const server = plainServer ? await listen(createServer(app), port) : await listenHttp(app, port);
  server.keepAliveTimeout = 65_000;
  serveForBench(`http://127.0.0.1:${port}`, async () => {
    await closeServer(server);
    await runtime.close();
  });
}
