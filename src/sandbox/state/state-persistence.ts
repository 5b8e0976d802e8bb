/**
 * Optional persistence of the sandbox state to `<dataDir>/sandbox-state.json`:
 * loaded on start, saved (debounced, atomically) after changes, flushed on close.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SandboxData } from './sandbox-records.ts';
import type { SandboxState } from './sandbox-state.ts';

const FILE_NAME = 'sandbox-state.json';
const FILE_VERSION = 1;
const SAVE_DELAY_MS = 250;

const rows = z.array(z.looseObject({ id: z.string() }));
const fileSchema = z.object({
  version: z.literal(FILE_VERSION),
  data: z.object({ users: rows, companies: rows, products: rows, plans: rows, memberships: rows, payments: rows }),
});

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, FILE_NAME);
}

/** The saved state, or undefined when there is none (or it is unreadable: then the seed is used). */
export async function loadSavedState(dataDir: string, logger: Logger): Promise<SandboxData | undefined> {
  const file = stateFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = fileSchema.parse(JSON.parse(text));
    // The rows were written by this module from typed records; the schema checks the envelope.
    return parsed.data as unknown as SandboxData;
  } catch (error) {
    logger.warn({ file, err: error }, 'sandbox: saved state is unreadable, starting from the seed');
    return undefined;
  }
}

export interface StateSaver {
  /** Writes any pending change now and stops listening. */
  close(): Promise<void>;
}

export function saveStateOnChange(state: SandboxState, dataDir: string, logger: Logger): StateSaver {
  const file = stateFilePath(dataDir);
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    timer = undefined;
    const body = JSON.stringify({ version: FILE_VERSION, data: state.snapshot() }, null, 2);
    writing = writing
      .then(async () => {
        await mkdir(dataDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, body, 'utf8');
        await rename(tmp, file);
      })
      .catch((error: unknown) => logger.error({ err: error, file }, 'sandbox: saving state failed'));
    return writing;
  };

  const stop = state.onChange(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void write(), SAVE_DELAY_MS);
  });

  return {
    async close() {
      stop();
      if (timer) {
        clearTimeout(timer);
        await write();
      }
      await writing;
    },
  };
}
