/**
 * tus's lock on an upload (one request writes an upload at a time), held across instances.
 * tus's own MemoryLocker guards one process only, and with S3 behind several web instances two
 * PATCHes of one upload (a client resuming after a drop while its old request still runs
 * elsewhere) could interleave their parts. So each lock is taken twice: first tus's in-process
 * lock, which asks a same-process holder to let go at once (its `requestRelease`), then the
 * shared lease of the lock service (Redis when configured), renewed while held. A holder in
 * another process is not asked: the newcomer waits until that request ends or its lease lapses.
 */
import { MemoryLocker, ERRORS, type Lock, type Locker } from '@tus/server';
import { keepRenewing, type LockLease, type LockService } from './lock-service.ts';

export interface TusLockOptions {
  /** A holder's lease: lapses this long after its last renewal (a dead process frees the upload). */
  ttlMs?: number;
  /** How long a request waits for the upload before tus answers it 500 (the client retries). */
  waitMs?: number;
}

export function tusUploadLocker(locks: LockService, options: TusLockOptions = {}): Locker {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 30_000;
  const local = new MemoryLocker({ acquireLockTimeout: waitMs });

  return {
    newLock(id: string): Lock {
      const inProcess = local.newLock(id);
      let lease: LockLease | null = null;
      let stopRenewing = () => {};
      return {
        async lock(signal, requestRelease) {
          await inProcess.lock(signal, requestRelease);
          try {
            lease = await locks.acquire(`tus-upload:${id}`, { ttlMs, waitMs });
          } catch (error) {
            await inProcess.unlock();
            throw error;
          }
          if (!lease) {
            await inProcess.unlock();
            throw ERRORS.ERR_LOCK_TIMEOUT;
          }
          stopRenewing = keepRenewing(lease, ttlMs / 3, () => {});
        },
        async unlock() {
          stopRenewing();
          await lease?.release().catch(() => false);
          lease = null;
          await inProcess.unlock();
        },
      };
    },
  };
}
