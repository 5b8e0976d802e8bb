import { expect } from 'chai';
import { ERRORS } from '@tus/server';
import { createInProcessLockService } from '../../../src/infra/locks/in-process-lock.ts';
import { tusUploadLocker } from '../../../src/infra/locks/tus-upload-locker.ts';
import { yieldTurns } from '../../support/wait.ts';

const never = () => new AbortController().signal;

describe('tus upload locker (one writer per upload, across instances)', () => {
  it('makes a request in another instance wait until the holder unlocks, then lets it write', async () => {
    const shared = createInProcessLockService();
    const instanceA = tusUploadLocker(shared);
    const instanceB = tusUploadLocker(shared);
    const held = instanceA.newLock('upload-1');
    await held.lock(never(), () => {});
    const events: string[] = [];
    const waiting = instanceB
      .newLock('upload-1')
      .lock(never(), () => {})
      .then(() => events.push('B locked'));
    await yieldTurns();
    events.push('A unlocks');
    await held.unlock();
    await waiting;
    expect(events).to.deep.equal(['A unlocks', 'B locked']);
  });

  it('answers tus lock timeout when the other instance keeps the upload past the wait, and leaves nothing held', async () => {
    const shared = createInProcessLockService();
    const held = tusUploadLocker(shared).newLock('upload-2');
    await held.lock(never(), () => {});
    const impatient = tusUploadLocker(shared, { waitMs: 0 });
    const failure = await impatient
      .newLock('upload-2')
      .lock(never(), () => {})
      .catch((error: unknown) => error);
    expect(failure).to.equal(ERRORS.ERR_LOCK_TIMEOUT);
    await held.unlock();
    const later = impatient.newLock('upload-2');
    await later.lock(never(), () => {});
    await later.unlock();
  });

  it('asks a holder in the same instance to let go (a resumed request takes over at once)', async () => {
    const locker = tusUploadLocker(createInProcessLockService());
    const first = locker.newLock('upload-3');
    let asked = 0;
    await first.lock(never(), () => {
      asked += 1;
      void first.unlock();
    });
    const second = locker.newLock('upload-3');
    await second.lock(never(), () => {});
    expect(asked).to.equal(1);
    await second.unlock();
  });

  it('keeps different uploads independent', async () => {
    const locker = tusUploadLocker(createInProcessLockService(), { waitMs: 0 });
    const a = locker.newLock('upload-a');
    const b = locker.newLock('upload-b');
    await a.lock(never(), () => {});
    await b.lock(never(), () => {});
    await Promise.all([a.unlock(), b.unlock()]);
  });
});
