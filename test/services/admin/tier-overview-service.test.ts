import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import {
  createTierOverviewService,
  NEAREST_LIMITS_SHOWN,
  type TierOverviewService,
} from '../../../src/services/admin/tier-overview-service.ts';
import { CREATORS_PER_PAGE } from '../../../src/services/admin/creator-list-query.ts';
import { TIER_TABLE } from '../../../src/domain/tier-table.ts';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { overviewFixtures, type OverviewFixtures } from './overview-fixtures.ts';

const MB = 1024 ** 2;
const NOW = new Date('2026-03-15T12:00:00Z');
const THIS_MONTH = '2026-03-01';
const LAST_MONTH = '2026-02-01';

/** Counts queries, to prove the overview reads a fixed number of them whatever the data. */
function countQueries(sequelize: Sequelize): { count: () => number; stop: () => void } {
  let count = 0;
  const hook = () => void (count += 1);
  sequelize.addHook('beforeQuery', 'count-queries', hook);
  return { count: () => count, stop: () => sequelize.removeHook('beforeQuery', 'count-queries') };
}

describe('tier overview service', () => {
  let t: TestApp;
  let service: TierOverviewService;
  let f: OverviewFixtures;

  before(async () => {
    t = await startTestApp();
    service = createTierOverviewService({ sequelize: t.runtime.deps.sequelize, now: () => NOW });
    f = overviewFixtures(t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  describe('with a known data set', () => {
    const ids: Record<string, number> = {};

    beforeEach(async () => {
      const free = TIER_TABLE.free.limits;
      // Acme (free): at its student limit (10/10) with 2 waiting, 4 of 5 videos, 50 credits this month.
      const acme = await f.creator({ name: 'Acme', tier: 'free' });
      await f.videos(acme.id, [MB, MB, MB, MB]);
      await f.students(acme.id, free.students!, 'active');
      await f.students(acme.id, 2, 'over_limit');
      await f.credits(acme.id, THIS_MONTH, 50);
      await f.credits(acme.id, LAST_MONTH, 100);
      // Bravo (free): 900 MB of 1 GB storage.
      const bravo = await f.creator({ name: 'Bravo', tier: 'free' });
      await f.videos(bravo.id, [900 * MB]);
      // Charlie (free): nothing at all.
      const charlie = await f.creator({ name: 'Charlie', tier: 'free' });
      // Delta (basic): 950 of 1,000 credits this month; 3 active students and one who left.
      const delta = await f.creator({ name: 'Delta', tier: 'basic' });
      await f.credits(delta.id, THIS_MONTH, 950);
      await f.students(delta.id, 3, 'active');
      await f.students(delta.id, 1, 'inactive');
      // Echo (basic): one small video (1 of 50).
      const echo = await f.creator({ name: 'Echo', tier: 'basic' });
      await f.videos(echo.id, [2 * MB]);
      // Foxtrot (pro): 2 active students, 1 over the limit (after a downgrade, say).
      const foxtrot = await f.creator({ name: 'Foxtrot', tier: 'pro' });
      await f.students(foxtrot.id, 2, 'active');
      await f.students(foxtrot.id, 1, 'over_limit');
      // Golf (enterprise): uses far more than any limited tier allows, and is never "near a limit".
      const golf = await f.creator({ name: 'Golf', tier: 'enterprise' });
      await f.videos(golf.id, [10 * MB, 10 * MB, 10 * MB]);
      await f.students(golf.id, 30, 'active');
      await f.credits(golf.id, THIS_MONTH, 50_000);
      Object.assign(ids, {
        acme: acme.id,
        bravo: bravo.id,
        charlie: charlie.id,
        delta: delta.id,
        echo: echo.id,
        foxtrot: foxtrot.id,
        golf: golf.id,
      });
    });

    it('counts creators, active and over-limit students, and usage per tier', async () => {
      const overview = await service.overview();
      expect(overview.month).to.equal(THIS_MONTH);
      const perTier = overview.perTier.map(
        ({ tier, creators, activeStudents, overLimitStudents, videos, storageBytes, aiCredits }) => ({
          tier,
          creators,
          activeStudents,
          overLimitStudents,
          videos,
          storageBytes,
          aiCredits,
        }),
      );
      expect(perTier).to.deep.equal([
        {
          tier: 'free',
          creators: 3,
          activeStudents: 10,
          overLimitStudents: 2,
          videos: 5,
          storageBytes: 904 * MB,
          aiCredits: 50,
        },
        {
          tier: 'basic',
          creators: 2,
          activeStudents: 3,
          overLimitStudents: 0,
          videos: 1,
          storageBytes: 2 * MB,
          aiCredits: 950,
        },
        { tier: 'pro', creators: 1, activeStudents: 2, overLimitStudents: 1, videos: 0, storageBytes: 0, aiCredits: 0 },
        {
          tier: 'enterprise',
          creators: 1,
          activeStudents: 30,
          overLimitStudents: 0,
          videos: 3,
          storageBytes: 30 * MB,
          aiCredits: 50_000,
        },
      ]);
      expect(overview.perTier.map((row) => row.limits)).to.deep.equal([
        TIER_TABLE.free.limits,
        TIER_TABLE.basic.limits,
        TIER_TABLE.pro.limits,
        TIER_TABLE.enterprise.limits,
      ]);
    });

    it('adds up the totals; AI credits count only this UTC month', async () => {
      const { totals } = await service.overview();
      expect(totals).to.deep.equal({
        creators: 7,
        paidCreators: 4,
        videos: 9,
        storageBytes: 936 * MB,
        aiCredits: 50 + 950 + 50_000,
        activeStudents: 45,
        overLimitStudents: 3,
      });
    });

    it('lists the creators nearest a limit, highest ratio first, naming the limit; never unlimited tiers or unused creators', async () => {
      const { nearestLimits } = await service.overview();
      expect(nearestLimits.map((n) => [n.creatorId, n.limit, n.used, n.max])).to.deep.equal([
        [ids.acme, 'students', 10, TIER_TABLE.free.limits.students],
        [ids.delta, 'ai_credits', 950, TIER_TABLE.basic.limits.aiCredits],
        [ids.bravo, 'storage', 900 * MB, TIER_TABLE.free.limits.storageBytes],
        [ids.echo, 'videos', 1, TIER_TABLE.basic.limits.videos],
        [ids.foxtrot, 'students', 2, TIER_TABLE.pro.limits.students],
      ]);
      expect(nearestLimits[0]!.ratio).to.equal(1);
      expect(nearestLimits[2]!.ratio).to.be.closeTo(900 / 1024, 1e-9);
      expect(nearestLimits.map((n) => n.tier)).not.to.include('enterprise');
      expect(nearestLimits.map((n) => n.creatorId))
        .not.to.include(ids.golf)
        .and.not.to.include(ids.charlie);
    });

    it('reads a fixed number of queries', async () => {
      const counter = countQueries(t.runtime.deps.sequelize);
      try {
        await service.overview();
        const few = counter.count();
        for (let i = 0; i < 20; i += 1) await f.creator({ tier: 'basic' });
        const before = counter.count();
        await service.overview();
        expect(counter.count() - before)
          .to.equal(few)
          .and.to.be.at.most(3);
      } finally {
        counter.stop();
      }
    });
  });

  it('keeps only the top ten creators nearest their limits', async () => {
    const creators = [];
    for (let i = 1; i <= 12; i += 1) {
      const creator = await f.creator({ tier: 'free' });
      await f.credits(creator.id, THIS_MONTH, i * 5);
      creators.push(creator.id);
    }
    const { nearestLimits } = await service.overview();
    expect(nearestLimits).to.have.length(NEAREST_LIMITS_SHOWN);
    expect(nearestLimits.map((n) => n.creatorId)).to.deep.equal(creators.slice(2).reverse());
  });

  it('shows zero for every tier when there are no creators', async () => {
    const overview = await service.overview();
    expect(overview.perTier.map((row) => [row.tier, row.creators, row.activeStudents])).to.deep.equal([
      ['free', 0, 0],
      ['basic', 0, 0],
      ['pro', 0, 0],
      ['enterprise', 0, 0],
    ]);
    expect(overview.totals.creators).to.equal(0);
    expect(overview.nearestLimits).to.deep.equal([]);
    expect(overview.creators).to.deep.include({ rows: [], total: 0, page: 1, pages: 1 });
  });

  describe('creators table', () => {
    it('sorts tiers by rank, not by name, and breaks ties by id', async () => {
      const pro = await f.creator({ tier: 'pro' });
      const basic1 = await f.creator({ tier: 'basic' });
      const enterprise = await f.creator({ tier: 'enterprise' });
      const free = await f.creator({ tier: 'free' });
      const basic2 = await f.creator({ tier: 'basic' });
      const asc = await service.overview({ sort: 'tier', dir: 'asc' });
      expect(asc.creators.rows.map((r) => r.id)).to.deep.equal([free.id, basic1.id, basic2.id, pro.id, enterprise.id]);
      const desc = await service.overview({ sort: 'tier', dir: 'desc' });
      expect(desc.creators.rows.map((r) => r.id)).to.deep.equal([enterprise.id, pro.id, basic1.id, basic2.id, free.id]);
    });

    it('puts owners without a username last in both directions', async () => {
      const nobody = await f.creator({ owner: null });
      const zed = await f.creator({ owner: 'zed' });
      const amy = await f.creator({ owner: 'Amy' });
      expect((await service.overview({ sort: 'owner', dir: 'asc' })).creators.rows.map((r) => r.id)).to.deep.equal([
        amy.id,
        zed.id,
        nobody.id,
      ]);
      expect((await service.overview({ sort: 'owner', dir: 'desc' })).creators.rows.map((r) => r.id)).to.deep.equal([
        zed.id,
        amy.id,
        nobody.id,
      ]);
    });

    it('pages by 50, counts pages, and shows the last page for a page past the end', async () => {
      const created = [];
      for (let i = 0; i < CREATORS_PER_PAGE + 3; i += 1)
        created.push((await f.creator({ name: `Company ${String(i).padStart(3, '0')}` })).id);
      const first = await service.overview({ sort: 'company', dir: 'asc', page: 1 });
      expect(first.creators).to.deep.include({
        page: 1,
        pages: 2,
        total: CREATORS_PER_PAGE + 3,
        perPage: CREATORS_PER_PAGE,
      });
      expect(first.creators.rows.map((r) => r.id)).to.deep.equal(created.slice(0, CREATORS_PER_PAGE));
      const second = await service.overview({ sort: 'company', dir: 'asc', page: 2 });
      expect(second.creators.rows.map((r) => r.id)).to.deep.equal(created.slice(CREATORS_PER_PAGE));
      const beyond = await service.overview({ sort: 'company', dir: 'asc', page: 9 });
      expect(beyond.creators.page).to.equal(2);
      expect(beyond.creators.rows.map((r) => r.id)).to.deep.equal(created.slice(CREATORS_PER_PAGE));
    });
  });
});
