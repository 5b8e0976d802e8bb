/**
 * A TCP port for a test server that is started later (often in a child process).
 *
 * Ports come from below the system's ephemeral range: a port the OS handed out for port 0 and
 * that was closed again can be handed out once more — to the embedded database's listener, or
 * as the local end of an outgoing connection — before the test's server binds it (seen in CI:
 * EADDRINUSE). Below that range only an explicit bind can take it. Each port is checked free on
 * all interfaces and handed out once per test run.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<number>();
const LOWEST = 20_000;

/** The first port of the OS's ephemeral range (32768 when it cannot be read). */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low && low > LOWEST + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const highest = ephemeralStart() - 1;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (handedOut.has(port)) continue;
    if (await isFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOWEST} and ${highest}`);
}
