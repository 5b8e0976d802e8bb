import { expect } from 'chai';
import { createCreatorDashboardQuery, type CreatorDashboardQuery } from '../../src/services/creator-dashboard-query.ts';
import { monthOf } from '../../src/services/usage/usage-service.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';

const NOW = new Date('2026-11-15T12:00:00Z');

describe('creator dashboard query', () => {
  let t: TestApp;
  let dashboard: CreatorDashboardQuery;

  before(async () => {
    t = await startTestApp();
    dashboard = createCreatorDashboardQuery({ sequelize: t.runtime.deps.sequelize, now: () => NOW });
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  async function creatorWithData() {
    const { models } = t.runtime.deps;
    const creator = await makeFactories(models).creator({ tier: 'basic' });
    const statuses = ['active', 'active', 'active', 'over_limit', 'inactive', 'archived'] as const;
    await models.Student.bulkCreate(
      statuses.map((status, i) => ({ creatorId: creator.id, whopUserId: `user_dash${i}`, username: `student${i}`, whopMembershipId: null, whopProductId: null, status, membershipStatus: null, membershipUpdatedAt: null, joinedAt: new Date(Date.UTC(2026, 10, 1 + i)) })),
    );
    await models.Video.bulkCreate([1, 2, 3].map((i) => ({ creatorId: creator.id, title: `Lesson ${i}`, sizeBytes: 1_000 * i, durationSeconds: 60 * i, createdAt: new Date(Date.UTC(2026, 10, i)) })));
    await models.UsageMetric.create({ creatorId: creator.id, month: monthOf(NOW), aiCreditsUsed: 7 });
    await models.UsageMetric.create({ creatorId: creator.id, month: '2026-10-01', aiCreditsUsed: 99 });
    // Another creator's rows never show.
    const other = await makeFactories(models).creator();
    await models.Video.create({ creatorId: other.id, title: 'Not mine', sizeBytes: 5, durationSeconds: 5 });
    return creator;
  }

  it("reads usage this month, students by status, a page of students and the newest videos of the creator's own", async () => {
    const creator = await creatorWithData();
    const first = await dashboard.read(creator.id, { page: 1, pageSize: 3 });
    expect(first.usage).to.deep.equal({ videos: 3, storageBytes: 6_000, aiCredits: 7, students: 3 });
    expect(first.statusCounts).to.deep.equal({ active: 3, over_limit: 1, inactive: 1, archived: 1 });
    expect(first.students.total, 'archived students are not listed').to.equal(5);
    expect(first.students.pages).to.equal(2);
    expect(first.students.students.map((s) => s.username)).to.deep.equal(['student0', 'student1', 'student2']);
    expect(first.videos.map((v) => v.title)).to.deep.equal(['Lesson 3', 'Lesson 2', 'Lesson 1']);
    expect(first.videos[0]!.createdAt).to.be.instanceOf(Date);
    const second = await dashboard.read(creator.id, { page: 2, pageSize: 3 });
    expect(second.students.students.map((s) => `${s.username}:${s.status}`)).to.deep.equal(['student4:inactive', 'student3:over_limit']);
  });

  it("read ahead in the owner's user statement, gives the same dashboard as reading it on its own", async () => {
    const creator = await creatorWithData();
    const { roles } = t.runtime.deps.services;
    for (const options of [
      { page: 1, pageSize: 3 },
      { page: 2, pageSize: 3 },
      { page: 1, pageSize: 20, videoLimit: 2 },
    ]) {
      const { context, row } = await roles.contextWith(creator.ownerUserId, dashboard.readAheadColumns(options));
      expect(context?.creator?.id, 'the same statement read the user and their creator').to.equal(creator.id);
      expect(context?.role).to.equal('creator');
      expect(dashboard.fromReadAhead(row!, options), JSON.stringify(options)).to.deep.equal(await dashboard.read(creator.id, options));
    }
  });

  it('read ahead for a user who owns no creator, still gives their context (the page reads nothing of it)', async () => {
    await creatorWithData();
    const user = await makeFactories(t.runtime.deps.models).user();
    const { context, row } = await t.runtime.deps.services.roles.contextWith(user.id, dashboard.readAheadColumns({ page: 1, pageSize: 20 }));
    expect(context?.user.id).to.equal(user.id);
    expect(context?.creator).to.equal(null);
    expect(context?.role).to.equal('member');
    expect(row?.['usage.videos'], 'no creator, nothing counted').to.equal('0');
  });
});
