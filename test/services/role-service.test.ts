import { expect } from 'chai';
import { ConnectionError } from 'sequelize';
import { isDatabaseOutage } from '../../src/db/database.ts';
import { createPreparedReads, type PreparedReads } from '../../src/db/prepared-reads.ts';
import { createRoleService } from '../../src/services/role-service.ts';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { freePort } from '../support/free-port.ts';

describe('role service: who is signed in', () => {
  let t: TestApp;
  let reads: PreparedReads;

  before(async () => {
    t = await startTestApp();
    reads = createPreparedReads(t.config.databaseUrl!, { max: 2 });
  });
  after(async () => {
    await reads.close();
    await t.close();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  function roles(adminWhopUserIds: string[] = []) {
    return createRoleService({ reads, models: t.runtime.deps.models, adminWhopUserIds });
  }

  it("reads a creator's user, role and company in one go", async () => {
    const creator = await makeFactories(t.runtime.deps.models).creator({ tier: 'pro' });
    const context = await roles().contextOf(creator.ownerUserId);
    expect(context?.role).to.equal('creator');
    expect(context?.user.id).to.equal(creator.ownerUserId);
    expect(context?.creator?.id).to.equal(creator.id);
    expect(context?.creator?.tier).to.equal('pro');
    expect(context?.creator?.createdAt, 'dates come back as dates').to.be.instanceOf(Date);
  });

  it('tells students, members and admins apart, and gives no creator to any of them', async () => {
    const { models } = t.runtime.deps;
    const factories = makeFactories(models);
    const creator = await factories.creator();
    const student = await factories.user({ whopUserId: 'user_role_student' });
    await models.Student.create({
      creatorId: creator.id,
      whopUserId: student.whopUserId,
      username: 'student',
      whopMembershipId: null,
      whopProductId: null,
      status: 'active',
      membershipStatus: null,
      membershipUpdatedAt: null,
      joinedAt: new Date(),
    });
    const member = await factories.user();
    const admin = await factories.user({ whopUserId: 'user_role_admin' });
    const service = roles(['user_role_admin']);
    for (const [user, role] of [
      [student, 'student'],
      [member, 'member'],
      [admin, 'admin'],
    ] as const) {
      const context = await service.contextOf(user.id);
      expect(context?.role, role).to.equal(role);
      expect(context?.user.whopUserId).to.equal(user.whopUserId);
      expect(context?.creator).to.equal(null);
    }
  });

  it('gives no context for a user who is gone', async () => {
    const user = await makeFactories(t.runtime.deps.models).user();
    await user.destroy();
    expect(await roles().contextOf(user.id)).to.equal(null);
  });

  it('reports an unreachable database as an outage (pages answer 503), not as a bug', async () => {
    const nobody = createPreparedReads(`postgres://postgres@127.0.0.1:${await freePort()}/none`, { max: 1 });
    try {
      const service = createRoleService({ reads: nobody, models: t.runtime.deps.models, adminWhopUserIds: [] });
      const error = await service.contextOf(1).catch((failure: unknown) => failure);
      expect(error).to.be.instanceOf(ConnectionError);
      expect(isDatabaseOutage(error)).to.equal(true);
    } finally {
      await nobody.close();
    }
  });
});
