/**
 * Usage against the tier limits, at database level: the video count, storage and monthly AI
 * credits are refused past the limit with nothing stored, and hold under concurrent requests
 * (the counters change in one statement, videos under the creator's row lock). The month is
 * the injected clock's.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { ruleServices, testClock, type RuleServices } from '../../support/rule-services.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';
import { LimitExceededError } from '../../../src/domain/limit-errors.ts';

const T0 = Date.parse('2026-12-15T12:00:00Z');
const FREE = TIER_TABLE.free.limits;
const video = (sizeBytes = 1024) => ({ title: 'Lesson', sizeBytes, durationSeconds: 60 });

async function refusal(work: Promise<unknown>): Promise<LimitExceededError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(LimitExceededError);
  return error as LimitExceededError;
}

describe('usage service: tier limits (database level)', () => {
  let t: TestApp;
  let s: RuleServices;
  const clock = testClock(T0);

  before(async () => {
    t = await startTestApp();
    s = ruleServices(t, clock);
  });
  after(() => t.close());
  beforeEach(async () => {
    clock.set(T0);
    await cleanTables(t.runtime.deps.sequelize);
  });
  const creatorOn = (tier: 'free' | 'basic' | 'enterprise') => makeFactories(t.runtime.deps.models).creator({ tier });

  describe('videos', () => {
    it('adds videos up to the count limit and refuses the next, storing nothing', async () => {
      const creator = await creatorOn('free');
      for (let n = 0; n < FREE.videos!; n += 1) await s.usage.addVideo(creator.id, video());
      const error = await refusal(s.usage.addVideo(creator.id, video()));
      expect(error).to.include({ limit: 'videos', tier: 'free', limitValue: FREE.videos });
      expect((await s.usage.usage(creator.id)).videos).to.equal(FREE.videos);
    });

    it('refuses a video that would pass the storage limit; one that reaches it exactly is stored', async () => {
      const creator = await creatorOn('free');
      await s.usage.addVideo(creator.id, video(FREE.storageBytes! - 1000));
      const error = await refusal(s.usage.addVideo(creator.id, video(1001)));
      expect(error).to.include({ limit: 'storage', limitValue: FREE.storageBytes });
      await s.usage.addVideo(creator.id, video(1000));
      expect(await s.usage.usage(creator.id)).to.include({ videos: 2, storageBytes: FREE.storageBytes });
    });

    it('never passes the video limit under concurrency', async () => {
      const creator = await creatorOn('free');
      const outcomes = await Promise.allSettled(
        Array.from({ length: FREE.videos! + 6 }, () => s.usage.addVideo(creator.id, video())),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(FREE.videos!);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).to.be.instanceOf(LimitExceededError);
      expect((await s.usage.usage(creator.id)).videos).to.equal(FREE.videos);
    });

    it('has no video or storage limit on enterprise', async () => {
      const creator = await creatorOn('enterprise');
      for (let n = 0; n < FREE.videos! + 2; n += 1) await s.usage.addVideo(creator.id, video(FREE.storageBytes!));
      expect((await s.usage.usage(creator.id)).videos).to.equal(FREE.videos! + 2);
    });
  });

  describe('AI credits', () => {
    it('spends credits up to the monthly limit and refuses what would pass it, spending nothing', async () => {
      const creator = await creatorOn('free');
      expect(await s.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits! - 10)).to.deep.equal({
        used: FREE.aiCredits! - 10,
        limit: FREE.aiCredits,
        remaining: 10,
      });
      const error = await refusal(s.usage.spendAiCredits(creator.id, 'free', 11));
      expect(error).to.include({ limit: 'ai_credits', tier: 'free', limitValue: FREE.aiCredits });
      expect((await s.usage.usage(creator.id)).aiCredits).to.equal(FREE.aiCredits! - 10);
      expect(await s.usage.spendAiCredits(creator.id, 'free', 10)).to.deep.equal({
        used: FREE.aiCredits,
        limit: FREE.aiCredits,
        remaining: 0,
      });
    });

    it('refuses a first spend larger than the whole limit', async () => {
      const creator = await creatorOn('free');
      await refusal(s.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits! + 1));
      expect((await s.usage.usage(creator.id)).aiCredits).to.equal(0);
    });

    it('never passes the limit under concurrency, and loses no spend', async () => {
      const creator = await creatorOn('free');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, () => s.usage.spendAiCredits(creator.id, 'free', 7)),
      );
      const spent = outcomes.filter((o) => o.status === 'fulfilled').length;
      expect(spent).to.equal(Math.floor(FREE.aiCredits! / 7));
      expect((await s.usage.usage(creator.id)).aiCredits).to.equal(spent * 7);
    });

    it('counts each calendar month (UTC) of the clock on its own', async () => {
      const creator = await creatorOn('free');
      await s.usage.spendAiCredits(creator.id, 'free', FREE.aiCredits!);
      await refusal(s.usage.spendAiCredits(creator.id, 'free', 1));
      clock.set(Date.parse('2027-01-01T00:00:00Z'));
      expect((await s.usage.usage(creator.id)).aiCredits).to.equal(0);
      expect((await s.usage.spendAiCredits(creator.id, 'free', 1)).used).to.equal(1);
    });

    it('has no credit limit on enterprise', async () => {
      const creator = await creatorOn('enterprise');
      expect(await s.usage.spendAiCredits(creator.id, 'enterprise', 1_000_000)).to.deep.equal({
        used: 1_000_000,
        limit: null,
        remaining: null,
      });
    });
  });
});
