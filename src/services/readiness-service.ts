/** Whether the process can serve: the database answers and, when configured, Redis does. */
import type { Sequelize } from 'sequelize';
import type { Redis } from 'ioredis';
import { pingDatabase } from '../db/database.ts';

export type CheckResult = 'ok' | 'unavailable' | 'not_configured';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; redis: CheckResult };
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadinessService(deps: { sequelize: Sequelize; redis: Redis | undefined; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  return {
    async check(): Promise<Readiness> {
      const [database, redis] = await Promise.all([
        pingDatabase(deps.sequelize, timeoutMs).then(
          () => 'ok' as const,
          () => 'unavailable' as const,
        ),
        deps.redis
          ? withTimeout(deps.redis.ping(), timeoutMs).then(
              () => 'ok' as const,
              () => 'unavailable' as const,
            )
          : Promise.resolve('not_configured' as const),
      ]);
      return { ready: database === 'ok' && redis !== 'unavailable', checks: { database, redis } };
    },
  };
}

export type ReadinessService = ReturnType<typeof createReadinessService>;
