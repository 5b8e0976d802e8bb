/**
 * The query queue of the embedded database's socket server (pglite-socket), which serves every
 * connection from PGlite's one session, one protocol message at a time.
 *
 * pglite-socket's own queue keeps a connection's messages together only inside a transaction
 * (electric-sql/pglite#1046, open). An extended-protocol query (Parse, Bind, Describe, Execute,
 * Sync) is not in one between its messages: when a statement is too large for one socket read,
 * another connection's messages got in between, and a Bind met the other connection's statement
 * (wrong rows, measured with a 300 kB value: test/db/embedded-postgres.test.ts). Here the
 * connection that opened a batch keeps the session until its Sync, as the one that opened a
 * transaction does until it ends. And a message that fails inside PGlite is answered with its
 * error while the queue goes on (pglite-socket's stopped for good).
 *
 * It replaces the server's queue before the server starts (`useBatchQueue`); the handlers call
 * `enqueue`, `clearQueueForHandler` and `clearTransactionIfNeeded` (pglite-socket 0.2.17).
 */
import type { PGlite } from '@electric-sql/pglite';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

const code = (letter: string) => letter.charCodeAt(0);
/** Parse, Bind, Describe, Execute, Close, Flush: the session holds state for the batch until Sync. */
const OPENS_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(code));
/** Sync ends a batch; a simple Query or Terminate never leaves one open. */
const ENDS_BATCH = new Set(['S', 'Q', 'X'].map(code));

export class BatchQueryQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection that ran the last message. */
  private owner: number | null = null;
  private batchOpen = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A connection went away: its queued messages fail, and a batch it left open is closed. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.owner === handlerId) this.batchOpen = false;
    void this.process();
  }

  /** A connection went away in the middle of its transaction: roll it back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (!this.db.isInTransaction() || this.owner !== handlerId) return;
    await this.db.exec('ROLLBACK');
    this.owner = null;
    this.batchOpen = false;
    await this.process();
  }

  /** The next message to run: the owner's while its batch or transaction is open, else the oldest. */
  private next(): Queued | undefined {
    if (this.owner !== null && (this.batchOpen || this.db.isInTransaction())) {
      const index = this.queue.findIndex((item) => item.handlerId === this.owner);
      return index === -1 ? undefined : this.queue.splice(index, 1)[0];
    }
    return this.queue.shift();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        const current = item;
        this.owner = current.handlerId;
        const type = current.message[0] ?? 0;
        if (OPENS_BATCH.has(type)) this.batchOpen = true;
        else if (ENDS_BATCH.has(type)) this.batchOpen = false;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          current.resolve(bytes);
        } catch (error) {
          current.reject(error);
        }
      }
    } finally {
      this.processing = false;
    }
  }
}

/** Gives a pglite-socket server (not started yet) this queue. */
export function useBatchQueue(server: object, db: PGlite): void {
  const target = server as { queryQueue?: unknown };
  if (!target.queryQueue) throw new Error('pglite-socket has no queryQueue to replace: check its version');
  target.queryQueue = new BatchQueryQueue(db);
}
