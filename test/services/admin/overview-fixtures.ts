/**
 * Rows for the admin overview and analytics tests: creators with a chosen tier, owner and
 * creation date, and their videos, students and AI credits, with the timestamps the test
 * needs (written with SQL, since Sequelize sets `created_at` itself).
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Models } from '../../../src/models/init-models.ts';
import type { Creator } from '../../../src/models/creator-model.ts';
import type { StudentStatus } from '../../../src/models/student-model.ts';
import type { Tier } from '../../../src/domain/tier-table.ts';

let sequence = 0;
const next = () => (sequence += 1);

export interface CreatorSpec {
  name?: string | null;
  tier?: Tier;
  /** The owner's username; null for an owner without one. Ignored with `ownerUserId`. */
  owner?: string | null;
  ownerUserId?: number;
  createdAt?: Date;
}

export function overviewFixtures(deps: { sequelize: Sequelize; models: Models }) {
  const { sequelize, models } = deps;
  return {
    /**
     * A creator row. Its tier counts as freshly read from Whop (`tierUpdatedAt` now), so a
     * signed-in owner's tier is not recomputed from the sandbox in the background.
     */
    async creator(spec: CreatorSpec = {}): Promise<Creator> {
      const n = next();
      const ownerUserId =
        spec.ownerUserId ??
        (
          await models.User.create({
            whopUserId: `user_fixture${n}`,
            username: spec.owner === undefined ? `owner${n}` : spec.owner,
            name: null,
            email: null,
            avatarUrl: null,
            lastLoginAt: null,
          })
        ).id;
      const creator = await models.Creator.create({
        whopCompanyId: `biz_fixture${n}`,
        companyName: spec.name === undefined ? `Company ${n}` : spec.name,
        ownerUserId,
        tier: spec.tier ?? 'free',
        tierSourceMembershipId: null,
        tierUpdatedAt: new Date(),
        gracePeriodEndsAt: null,
      });
      if (spec.createdAt) {
        await sequelize.query('UPDATE creators SET created_at = :at WHERE id = :id', {
          replacements: { at: spec.createdAt.toISOString(), id: creator.id },
          type: QueryTypes.UPDATE,
        });
      }
      return creator;
    },

    /** One video per size, all added at `createdAt` (default now). */
    async videos(creatorId: number, sizes: readonly number[], createdAt = new Date()): Promise<void> {
      if (sizes.length === 0) return;
      const rows = sizes.map((_, i) => `(:creatorId, :title${i}, :size${i}, 60, CAST(:at AS timestamptz))`).join(', ');
      const replacements: Record<string, unknown> = { creatorId, at: createdAt.toISOString() };
      sizes.forEach((size, i) => Object.assign(replacements, { [`title${i}`]: `Video ${next()}`, [`size${i}`]: size }));
      await sequelize.query(
        `INSERT INTO videos (creator_id, title, size_bytes, duration_seconds, created_at) VALUES ${rows}`,
        { replacements, type: QueryTypes.INSERT },
      );
    },

    /** `count` students of the creator with this status, joined at `joinedAt` (default now). */
    async students(
      creatorId: number,
      count: number,
      status: StudentStatus = 'active',
      joinedAt = new Date(),
    ): Promise<void> {
      if (count === 0) return;
      await models.Student.bulkCreate(
        Array.from({ length: count }, () => ({
          creatorId,
          whopUserId: `user_student_fixture${next()}`,
          whopMembershipId: null,
          whopProductId: null,
          status,
          membershipStatus: status === 'inactive' ? 'canceled' : 'active',
          membershipUpdatedAt: null,
          joinedAt,
        })),
      );
    },

    /** AI credits the creator used in `month` (`YYYY-MM-01`). */
    async credits(creatorId: number, month: string, amount: number): Promise<void> {
      await models.UsageMetric.create({ creatorId, month, aiCreditsUsed: amount });
    },
  };
}

export type OverviewFixtures = ReturnType<typeof overviewFixtures>;
