/** The one choice of lock: Redis when configured (shared by every instance), in-process otherwise. */
import type { Redis } from 'ioredis';
import { realLockClock, type LockClock, type LockService } from './lock-service.ts';
import { createRedisLockService } from './redis-lock.ts';
import { createInProcessLockService } from './in-process-lock.ts';

export function createLockService(
  redis: Redis | undefined,
  prefix: string,
  clock: LockClock = realLockClock,
): LockService {
  return redis ? createRedisLockService(redis, prefix, clock) : createInProcessLockService(clock);
}
