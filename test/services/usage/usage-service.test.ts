/**
 * Usage against the tier limits, at database level: videos and storage as the trigger counts
 * them (upload reservations are refused by the upload endpoint, tested with it), and monthly AI
 * credits, refused past the limit with nothing stored and held under concurrent requests. The
 * month is the injected clock'bed.rules.
 */
import { expect } from 'chai';
import { useRuleTestBed } from '../../support/rule-test-bed.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';
import { LimitExceededError } from '../../../src/domain/limit-errors.ts';
import { insertVideo } from '../../support/videos.ts';

const T0 = Date.parse('2026-12-15T12:00:00Z');
const FREE = TIER_TABLE.free.limits;

async function refusal(work: Promise<unknown>): Promise<LimitExceededError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(LimitExceededError);
  return error as LimitExceededError;
}

describe('usage service: tier limits (database level)', () => {
  const bed = useRuleTestBed(T0);
  const { clock } = bed;

  const creatorOn = (tier: 'free' | 'basic' | 'enterprise') => bed.factories().creator({ tier });

  describe('videos and storage', () => {
    it('counts the videos that are not failed and their bytes, reservations included', async () => {
      const creator = await creatorOn('free');
      const { sequelize } = bed.app.runtime.deps;
      await insertVideo(sequelize, creator.id, { sizeBytes: 1000 });
      await insertVideo(sequelize, creator.id, { sizeBytes: 2000, status: 'uploading' });
      await insertVideo(sequelize, creator.id, { sizeBytes: 4000, status: 'failed' });
      expect(await bed.rules.usage.usage(creator.id)).to.include({ videos: 2, storageBytes: 3000 });
    });

    it('frees a deleted video’s slot and bytes at once', async () => {
      const creator = await creatorOn('free');
      const { sequelize } = bed.app.runtime.deps;
      const id = await insertVideo(sequelize, creator.id, { sizeBytes: 5000 });
      await insertVideo(sequelize, creator.id, { sizeBytes: 1000 });
      await sequelize.query('DELETE FROM videos WHERE id = :id', { replacements: { id } });
      expect(await bed.rules.usage.usage(creator.id)).to.include({ videos: 1, storageBytes: 1000 });
    });
  });

  describe('AI credits', () => {
    it('spends credits up to the monthly limit and refuses what would pass it, spending nothing', async () => {
      const creator = await creatorOn('free');
      expect(await bed.rules.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits! - 10)).to.deep.equal({
        used: FREE.aiCredits! - 10,
        limit: FREE.aiCredits,
        remaining: 10,
      });
      const error = await refusal(bed.rules.usage.spendAiCredits(creator.id, 'free', 11));
      expect(error).to.include({ limit: 'ai_credits', tier: 'free', limitValue: FREE.aiCredits });
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(FREE.aiCredits! - 10);
      expect(await bed.rules.usage.spendAiCredits(creator.id, 'free', 10)).to.deep.equal({
        used: FREE.aiCredits,
        limit: FREE.aiCredits,
        remaining: 0,
      });
    });

    it('refuses a first spend larger than the whole limit', async () => {
      const creator = await creatorOn('free');
      await refusal(bed.rules.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits! + 1));
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(0);
    });

    it('never passes the limit under concurrency, and loses no spend', async () => {
      const creator = await creatorOn('free');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, () => bed.rules.usage.spendAiCredits(creator.id, 'free', 7)),
      );
      const spent = outcomes.filter((o) => o.status === 'fulfilled').length;
      expect(spent).to.equal(Math.floor(FREE.aiCredits! / 7));
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(spent * 7);
    });

    it('counts each calendar month (UTC) of the clock on its own', async () => {
      const creator = await creatorOn('free');
      await bed.rules.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits!);
      await refusal(bed.rules.usage.spendAiCredits(creator.id, 'free', 1));
      clock.set(Date.parse('2027-01-01T00:00:00Z'));
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(0);
      expect((await bed.rules.usage.spendAiCredits(creator.id, 'free', 1)).used).to.equal(1);
    });

    it('records each spend on its UTC day too, in the same statement, so the days add up to the month', async () => {
      const creator = await creatorOn('free');
      clock.set(Date.parse('2026-12-14T23:59:00Z'));
      await bed.rules.usage.spendAiCredits(creator.id, 'free', 10);
      clock.set(Date.parse('2026-12-15T00:01:00Z'));
      await bed.rules.usage.spendAiCredits(creator.id, 'free', 5);
      await bed.rules.usage.spendAiCredits(creator.id, 'free', 7);
      expect(await bed.rules.usage.creditsByDay(creator.id)).to.deep.equal([
        { day: '2026-12-14', used: 10 },
        { day: '2026-12-15', used: 12 },
      ]);
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(22);
    });

    it('records no day for a refused spend, and shows only the days of the clock’s month', async () => {
      const creator = await creatorOn('free');
      await bed.rules.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits! - 1);
      await refusal(bed.rules.usage.spendAiCredits(creator.id, 'free', 2));
      expect(await bed.rules.usage.creditsByDay(creator.id)).to.deep.equal([
        { day: '2026-12-15', used: FREE.aiCredits! - 1 },
      ]);
      clock.set(Date.parse('2027-01-01T00:00:00Z'));
      expect(await bed.rules.usage.creditsByDay(creator.id)).to.deep.equal([]);
      await bed.rules.usage.spendAiCredits(creator.id, 'free', 3);
      expect(await bed.rules.usage.creditsByDay(creator.id)).to.deep.equal([{ day: '2027-01-01', used: 3 }]);
    });

    it('keeps the days equal to the month under concurrent spends', async () => {
      const creator = await creatorOn('free');
      await Promise.all(
        Array.from({ length: 40 }, () => bed.rules.usage.spendAiCredits(creator.id, 'free', 3).catch(() => null)),
      );
      const days = await bed.rules.usage.creditsByDay(creator.id);
      expect(days.reduce((sum, d) => sum + d.used, 0)).to.equal((await bed.rules.usage.usage(creator.id)).aiCredits);
      expect((await bed.rules.usage.usage(creator.id)).aiCredits).to.equal(99);
    });

    it('has no credit limit on enterprise', async () => {
      const creator = await creatorOn('enterprise');
      expect(await bed.rules.usage.spendAiCredits(creator.id, 'enterprise', 1_000_000)).to.deep.equal({
        used: 1_000_000,
        limit: null,
        remaining: null,
      });
    });
  });
});
