/** Row factories: each call makes a new, valid row with unique ids unless told otherwise. */
import type { Models } from '../../src/models/init-models.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

let sequence = 0;
const next = () => (sequence += 1);

export function makeFactories(models: Models) {
  return {
    async user(overrides: Partial<{ whopUserId: string; username: string; name: string; email: string }> = {}) {
      const n = next();
      return models.User.create({
        whopUserId: overrides.whopUserId ?? `user_factory${n}`,
        username: overrides.username ?? `factory${n}`,
        name: overrides.name ?? `Factory User ${n}`,
        email: overrides.email ?? `factory${n}@example.test`,
        avatarUrl: null,
        lastLoginAt: null,
      });
    },
    async creator(overrides: Partial<{ whopCompanyId: string; ownerUserId: number; tier: Tier }> = {}) {
      const n = next();
      const ownerUserId = overrides.ownerUserId ?? (await this.user()).id;
      return models.Creator.create({
        whopCompanyId: overrides.whopCompanyId ?? `biz_factory${n}`,
        companyName: `Factory Company ${n}`,
        ownerUserId,
        tier: overrides.tier ?? 'free',
        tierSourceMembershipId: null,
        tierUpdatedAt: null,
        gracePeriodEndsAt: null,
      });
    },
  };
}
