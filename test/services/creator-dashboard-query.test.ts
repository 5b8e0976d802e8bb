import { expect } from 'chai';
import { ConnectionError } from 'sequelize';
import { isDatabaseOutage } from '../../src/db/database.ts';
import { createPreparedReads, type PreparedReads } from '../../src/db/prepared-reads.ts';
import { createCreatorDashboardQuery, type CreatorDashboardQuery } from '../../src/services/creator-dashboard-query.ts';
import { monthOf } from '../../src/services/usage/usage-service.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { freePort } from '../support/free-port.ts';

const NOW = new Date('2026-11-15T12:00:00Z');

describe('creator dashboard query', () => {
  let t: TestApp;
  let dashboard: CreatorDashboardQuery;
  let reads: PreparedReads;

  before(async () => {
    t = await startTestApp();
    reads = createPreparedReads(t.config.databaseUrl!, { max: 2 });
    dashboard = createCreatorDashboardQuery({ reads, now: () => NOW });
  });
  after(async () => {
    await reads.close();
    await t.close();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  async function creatorWithData() {
    const { models } = t.runtime.deps;
    const creator = await makeFactories(models).creator({ tier: 'basic' });
    const statuses = ['active', 'active', 'active', 'over_limit', 'inactive', 'archived'] as const;
    await models.Student.bulkCreate(
      statuses.map((status, i) => ({
        creatorId: creator.id,
        whopUserId: `user_dash${i}`,
        username: `student${i}`,
        whopMembershipId: null,
        whopProductId: null,
        status,
        membershipStatus: null,
        membershipUpdatedAt: null,
        joinedAt: new Date(Date.UTC(2026, 10, 1 + i)),
      })),
    );
    await models.Video.bulkCreate(
      [1, 2, 3].map((i) => ({
        creatorId: creator.id,
        title: `Lesson ${i}`,
        sizeBytes: 1_000 * i,
        durationSeconds: 60 * i,
        createdAt: new Date(Date.UTC(2026, 10, i)),
      })),
    );
    await models.UsageMetric.create({ creatorId: creator.id, month: monthOf(NOW), aiCreditsUsed: 7 });
    await models.UsageMetric.create({ creatorId: creator.id, month: '2026-10-01', aiCreditsUsed: 99 });
    // Another creator's rows never show.
    const other = await makeFactories(models).creator();
    await models.Video.create({ creatorId: other.id, title: 'Not mine', sizeBytes: 5, durationSeconds: 5 });
    // AI credits per day: two days this month (stored out of order), one the month before, one of the other creator.
    await t.runtime.deps.sequelize.query(
      `INSERT INTO ai_credit_days (creator_id, day, used) VALUES
         (:mine, '2026-11-14', 5), (:mine, '2026-11-02', 2), (:mine, '2026-10-31', 99), (:other, '2026-11-03', 4)`,
      { replacements: { mine: creator.id, other: other.id } },
    );
    return creator;
  }

  it("reads usage this month, students by status, a page of students and the newest videos of the creator's own", async () => {
    const creator = await creatorWithData();
    const first = await dashboard.read(creator.id, { page: 1, pageSize: 3 });
    expect(first.usage).to.deep.equal({ videos: 3, storageBytes: 6_000, aiCredits: 7, students: 3 });
    expect(first.creditDays, 'this month only, oldest first').to.deep.equal([
      { day: '2026-11-02', used: 2 },
      { day: '2026-11-14', used: 5 },
    ]);
    expect(first.statusCounts).to.deep.equal({ active: 3, over_limit: 1, inactive: 1, archived: 1 });
    expect(first.students.total, 'archived students are not listed').to.equal(5);
    expect(first.students.pages).to.equal(2);
    expect(first.students.students.map((s) => s.username)).to.deep.equal(['student0', 'student1', 'student2']);
    expect(first.videos.map((v) => v.title)).to.deep.equal(['Lesson 3', 'Lesson 2', 'Lesson 1']);
    expect(first.videos[0]!.createdAt).to.be.instanceOf(Date);
    const second = await dashboard.read(creator.id, { page: 2, pageSize: 3 });
    expect(second.students.students.map((s) => `${s.username}:${s.status}`)).to.deep.equal([
      'student4:inactive',
      'student3:over_limit',
    ]);
  });

  it('shows an empty page past the last one, with the same totals', async () => {
    const creator = await creatorWithData();
    const past = await dashboard.read(creator.id, { page: 50, pageSize: 3 });
    expect(past.students.students).to.deep.equal([]);
    expect(past.students.total).to.equal(5);
    expect(past.videos.map((v) => v.title)).to.deep.equal(['Lesson 3', 'Lesson 2', 'Lesson 1']);
    const fewer = await dashboard.read(creator.id, { page: 1, pageSize: 3, videoLimit: 2 });
    expect(fewer.videos.map((v) => v.title)).to.deep.equal(['Lesson 3', 'Lesson 2']);
  });

  it('shows a creator with nothing yet as zeros and empty lists', async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator();
    expect(await dashboard.read(creator.id, { page: 1, pageSize: 20 })).to.deep.equal({
      usage: { videos: 0, storageBytes: 0, aiCredits: 0, students: 0 },
      creditDays: [],
      statusCounts: {},
      students: { students: [], total: 0, pages: 1 },
      videos: [],
    });
  });

  it('reports an unreachable database as an outage (the page answers 503), not as a bug', async () => {
    const nobody = createPreparedReads(`postgres://postgres@127.0.0.1:${await freePort()}/none`, { max: 1 });
    try {
      const error = await createCreatorDashboardQuery({ reads: nobody })
        .read(1, { page: 1, pageSize: 20 })
        .catch((failure: unknown) => failure);
      expect(error).to.be.instanceOf(ConnectionError);
      expect(isDatabaseOutage(error)).to.equal(true);
    } finally {
      await nobody.close();
    }
  });
});
