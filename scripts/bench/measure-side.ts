/**
 * One side of a benchmark (bare Express, the stack floor, the required parts or Chronos): its server in one process,
 * the load generator in another, a warm-up run (JIT, connection pools) and then the measured run,
 * with the server's CPU time read just before and after it. Also the lines the figures print as.
 */
import type { BenchServer } from './bench-children.ts';
import type { LoadResult } from './bench-support.ts';
import { startLoadGenerator, type LoadSpec } from './load-generator.ts';

export interface RunOptions {
  seconds: number;
  connections: number;
}

export interface SideResult {
  warm: LoadResult;
  measured: LoadResult;
  /** CPU time of the server's process per request of the measured run, in microseconds. */
  serverCpuMicrosPerRequest: number;
  /** The server process's RSS before and after the measured run, in MB. */
  rssMb: { before: number; after: number };
}

export async function measureSide(
  start: () => Promise<BenchServer>,
  spec: (serverUrl: string) => LoadSpec,
  options: RunOptions,
  beforeRuns?: () => void | Promise<void>,
): Promise<SideResult> {
  const server = await start();
  try {
    const load = await startLoadGenerator(spec(server.url), options.connections);
    try {
      await beforeRuns?.();
      const warm = await load.run(options.seconds);
      const before = await server.usage();
      const measured = await load.run(options.seconds);
      const after = await server.usage();
      const serverCpuMicrosPerRequest = Math.round((after.cpuMicros - before.cpuMicros) / Math.max(1, measured.total));
      return { warm, measured, serverCpuMicrosPerRequest, rssMb: { before: before.rssMb, after: after.rssMb } };
    } finally {
      await load.stop();
    }
  } finally {
    await server.stop();
  }
}

/** `  <label>: N req/s p99 M ms (p50 …, p90 …, max … ms); CPU per request: server … µs, load generator … µs; …`. */
export function sideLine(label: string, side: SideResult): string {
  const m = side.measured;
  return `  ${label}: ${Math.round(m.rps)} req/s p99 ${m.p99} ms (p50 ${m.p50}, p90 ${m.p90}, max ${m.max} ms); CPU per request: server ${side.serverCpuMicrosPerRequest} µs, load generator ${m.loadCpuMicrosPerRequest} µs; ${m.ok} 2xx, ${m.non2xx} non-2xx, ${m.errors} errors; server RSS ${side.rssMb.before} → ${side.rssMb.after} MB`;
}

/** `bench <name>: N req/s p99 M ms ratio <N ÷ bare Express> floor <N ÷ stack floor>`. */
export function benchLine(name: string, chronos: SideResult, bare: SideResult, floor: SideResult): string {
  const rps = chronos.measured.rps;
  return `bench ${name}: ${Math.round(rps)} req/s p99 ${chronos.measured.p99} ms ratio ${(rps / bare.measured.rps).toFixed(2)} floor ${(rps / floor.measured.rps).toFixed(2)}`;
}

const SIDE_LABELS: Record<string, string> = {
  bare: 'bare Express',
  floor: 'stack floor',
  parts: 'required parts',
  chronos: 'chronos',
};

/**
 * What makes a run untrustworthy: answers that were not 2xx, or connection errors, in any run of
 * any side. Sides are named by their key (`bare`, `floor` and `chronos` read as in the bench lines).
 */
export function problems(sides: Record<string, SideResult>): string[] {
  return Object.entries(sides).flatMap(([key, side]) =>
    [side.warm, side.measured]
      .filter((run) => run.non2xx > 0 || run.errors > 0)
      .map(
        (run) =>
          `${SIDE_LABELS[key] ?? key}: ${run.non2xx} non-2xx answers and ${run.errors} errors in a run of ${run.total} requests`,
      ),
  );
}

export interface BenchSides {
  bare: SideResult;
  floor: SideResult;
  /** The dashboard's third baseline (required-parts.ts). */
  parts?: SideResult;
  chronos: SideResult;
}

/** `  required parts ÷ stack floor: R; chronos ÷ required parts: C`: how far the required parts alone are from the floor, and Chronos from them. */
export function partsLine(sides: Required<Pick<BenchSides, 'floor' | 'parts' | 'chronos'>>): string {
  const rps = (side: SideResult) => side.measured.rps;
  return `  required parts ÷ stack floor: ${(rps(sides.parts) / rps(sides.floor)).toFixed(2)}; chronos ÷ required parts: ${(rps(sides.chronos) / rps(sides.parts)).toFixed(2)}`;
}

/** The baselines' lines, the bench line, then Chronos's own figures (and, with the required parts, how they compare). */
export function printBench(name: string, sides: BenchSides): void {
  const { bare, floor, parts, chronos } = sides;
  const lines = [
    sideLine('bare Express', bare),
    sideLine('stack floor', floor),
    ...(parts ? [sideLine('required parts', parts)] : []),
    benchLine(name, chronos, bare, floor),
    sideLine('chronos', chronos),
    ...(parts ? [partsLine({ floor, parts, chronos })] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Names each problem on stderr and makes the bench fail. */
export function failOn(found: string[]): void {
  for (const problem of found) process.stderr.write(`  FAILED: ${problem}\n`);
  if (found.length > 0) process.exitCode = 1;
}
