/**
 * The upload bench's baseline: bare Node piping a request body to a file (`PUT /upload`),
 * the least any server that stores uploads on disk must do. Each upload's file is removed once
 * it is complete. Runs in a process that only serves (`startBareUploadServer`).
 */
import { createServer } from 'node:http';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { childArgument, closeServer, serveForBench, startServer, type BenchServer } from './bench-children.ts';

export function startBareUploadServer(directory: string): Promise<BenchServer> {
  return startServer('bare upload server', fileURLToPath(import.meta.url), { directory });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { directory } = childArgument<{ directory: string }>();
  mkdirSync(directory, { recursive: true });
  let n = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'PUT') return void res.writeHead(405).end();
    const file = `${directory}/bare-${(n += 1)}`;
    pipeline(req, createWriteStream(file)).then(
      () => {
        rmSync(file, { force: true });
        res.writeHead(204).end();
      },
      () => {
        rmSync(file, { force: true });
        res.writeHead(500).end();
      },
    );
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    serveForBench(`http://127.0.0.1:${port}`, () => closeServer(server));
  });
}
