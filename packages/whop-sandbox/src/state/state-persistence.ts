/**
 * Optional persistence of the sandbox state to `<dataDir>/sandbox-state.json`:
 * loaded on start, saved (debounced, atomically) after changes, flushed on close.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { centsToAmount } from '../serializers/money.ts';
import type { PaymentRecord, SandboxData } from './sandbox-records.ts';
import { APP_INSTALLED_COMPANY_IDS, seedWebhooks } from './seed.ts';
import type { SandboxState } from './sandbox-state.ts';

const FILE_NAME = 'sandbox-state.json';
const FILE_VERSION = 1;
const SAVE_DELAY_MS = 250;

const rows = z.array(z.looseObject({ id: z.string() }));
const fileSchema = z.object({
  version: z.literal(FILE_VERSION),
  data: z.object({
    users: rows,
    companies: rows,
    products: rows,
    plans: rows,
    memberships: rows,
    payments: rows,
    // Added later: files written before have none, and get the seed's.
    installations: z.array(z.looseObject({ company_id: z.string() })).optional(),
    webhooks: rows.optional(),
    refunds: rows.optional(),
    disputes: rows.optional(),
    invoices: rows.optional(),
  }),
});

/** A file written before amounts became exact decimal strings, or before installations and webhooks. */
function upgrade(data: z.infer<typeof fileSchema>['data'], ownCompanyId: string): SandboxData {
  const payments = data.payments.map((row) => {
    const old = row as Record<string, unknown>;
    if (typeof old.amount === 'string') return row;
    const currency = typeof old.currency === 'string' ? old.currency : 'usd';
    const { amount_cents: cents, ...rest } = old;
    return {
      refunded_amount: null,
      refunded_at: null,
      dispute_alerted_at: null,
      ...rest,
      amount: centsToAmount(Number(cents ?? 0), currency),
    };
  });
  const upgraded = {
    ...data,
    payments,
    installations:
      data.installations ??
      APP_INSTALLED_COMPANY_IDS.map((id) => ({
        company_id: id,
        installed_by: null,
        installed_at: new Date().toISOString(),
      })),
    webhooks: data.webhooks ?? seedWebhooks(ownCompanyId),
    refunds: data.refunds ?? [],
    disputes: data.disputes ?? [],
    invoices: data.invoices ?? [],
  };
  // The rows were written by this module from typed records; the schema checks the envelope.
  return upgraded as unknown as SandboxData & { payments: PaymentRecord[] };
}

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, FILE_NAME);
}

/** The saved state, or undefined when there is none (or it is unreadable: then the seed is used). */
export async function loadSavedState(
  dataDir: string,
  logger: Logger,
  ownCompanyId = 'biz_chronos',
): Promise<SandboxData | undefined> {
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
    return upgrade(parsed.data, ownCompanyId);
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
