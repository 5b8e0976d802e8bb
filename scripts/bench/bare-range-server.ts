/**
 * The media-range bench's baseline: bare Node answering `GET /media` with `Range: bytes=a-b`
 * by streaming those bytes of one file (`fs.createReadStream` to the response), the least a
 * server that plays video from disk must do. In a process that only serves.
 */
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childArgument, closeServer, serveForBench, startServer, type BenchServer } from './bench-children.ts';

export function startBareRangeServer(file: string): Promise<BenchServer> {
  return startServer('bare Node range server', fileURLToPath(import.meta.url), { file });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { file } = childArgument<{ file: string }>();
  const size = statSync(file).size;
  const server = createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!range) return void res.writeHead(416).end();
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), size - 1);
    res.writeHead(206, {
      'content-type': 'video/mp4',
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${size}`,
      'accept-ranges': 'bytes',
    });
    createReadStream(file, { start, end }).pipe(res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    serveForBench(`http://127.0.0.1:${port}`, () => closeServer(server));
  });
}
