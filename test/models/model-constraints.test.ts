import { expect } from 'chai';
import { UniqueConstraintError, DatabaseError, ForeignKeyConstraintError, ValidationError } from 'sequelize';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the database to refuse the row');
}

describe('model constraints (enforced by the database)', () => {
  let t: TestApp;
  let make: ReturnType<typeof makeFactories>;

  before(async () => {
    t = await startTestApp();
    make = makeFactories(t.runtime.deps.models);
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  it('refuses a second user with the same Whop user id', async () => {
    await make.user({ whopUserId: 'user_same' });
    expect(await rejection(make.user({ whopUserId: 'user_same' }))).to.be.instanceOf(UniqueConstraintError);
  });

  it('refuses a second creator for the same Whop company', async () => {
    await make.creator({ whopCompanyId: 'biz_same' });
    expect(await rejection(make.creator({ whopCompanyId: 'biz_same' }))).to.be.instanceOf(UniqueConstraintError);
  });

  it('refuses a tier that is not in the tier table', async () => {
    const creator = await make.creator();
    const error = await rejection(
      t.runtime.deps.sequelize.query("UPDATE creators SET tier = 'gold' WHERE id = :id", {
        replacements: { id: creator.id },
      }),
    );
    expect(error).to.be.instanceOf(DatabaseError);
    expect((error as Error).message).to.contain('check constraint');
  });

  it('refuses a creator whose owner does not exist', async () => {
    expect(await rejection(make.creator({ ownerUserId: 999_999 }))).to.be.instanceOf(ForeignKeyConstraintError);
  });

  it('keeps one student per creator and Whop user', async () => {
    const { Student } = t.runtime.deps.models;
    const creator = await make.creator();
    const student = {
      creatorId: creator.id,
      whopUserId: 'user_s1',
      whopMembershipId: 'mem_1',
      whopProductId: 'prod_1',
      status: 'active' as const,
      membershipStatus: 'active',
      membershipUpdatedAt: null,
    };
    await Student.create(student);
    expect(await rejection(Student.create({ ...student, whopMembershipId: 'mem_2' }))).to.be.instanceOf(
      UniqueConstraintError,
    );
    const other = await make.creator();
    await Student.create({ ...student, creatorId: other.id });
  });

  it('refuses an unknown student status, in the model and in the database', async () => {
    const creator = await make.creator();
    const { Student } = t.runtime.deps.models;
    const row = {
      creatorId: creator.id,
      whopUserId: 'user_s2',
      whopMembershipId: null,
      whopProductId: null,
      membershipStatus: null,
      membershipUpdatedAt: null,
    };
    expect(await rejection(Student.create({ ...row, status: 'banned' as never }))).to.be.instanceOf(ValidationError);
    const error = await rejection(
      t.runtime.deps.sequelize.query(
        "INSERT INTO students (creator_id, whop_user_id, status) VALUES (:id, 'user_s2', 'banned')",
        { replacements: { id: creator.id } },
      ),
    );
    expect((error as Error).message).to.contain('check constraint');
  });

  it('keeps one usage row per creator and month, and no negative usage', async () => {
    const { UsageMetric } = t.runtime.deps.models;
    const creator = await make.creator();
    await UsageMetric.create({ creatorId: creator.id, month: '2026-11-01' });
    expect(await rejection(UsageMetric.create({ creatorId: creator.id, month: '2026-11-01' }))).to.be.instanceOf(
      UniqueConstraintError,
    );
    expect(
      await rejection(UsageMetric.create({ creatorId: creator.id, month: '2026-12-01', aiCreditsUsed: -1 })),
    ).to.be.instanceOf(DatabaseError);
    expect(await rejection(UsageMetric.create({ creatorId: creator.id, month: '2026-12-15' }))).to.be.instanceOf(
      DatabaseError,
    );
  });

  it('refuses videos with no size or an empty title', async () => {
    const { Video } = t.runtime.deps.models;
    const creator = await make.creator();
    const saved = await Video.create({
      creatorId: creator.id,
      title: 'Intro',
      sizeBytes: 5 * 1024 ** 3,
      durationSeconds: 60,
    });
    expect(saved.sizeBytes).to.equal(5 * 1024 ** 3);
    expect(
      await rejection(Video.create({ creatorId: creator.id, title: 'Zero', sizeBytes: 0, durationSeconds: 60 })),
    ).to.be.instanceOf(DatabaseError);
    expect(
      await rejection(Video.create({ creatorId: creator.id, title: '', sizeBytes: 1, durationSeconds: 60 })),
    ).to.be.instanceOf(DatabaseError);
  });

  it('keeps one payment per Whop payment id, with money as whole minor units', async () => {
    const { Payment } = t.runtime.deps.models;
    const payment = {
      whopPaymentId: 'pay_1',
      whopCompanyId: 'biz_chronos',
      whopUserId: 'user_1',
      whopMembershipId: 'mem_1',
      whopProductId: 'prod_pro',
      amountMinor: 4999,
      currency: 'usd',
      status: 'succeeded' as const,
      failureMessage: null,
      paidAt: new Date(),
      whopUpdatedAt: null,
    };
    const saved = await Payment.create(payment);
    expect(saved.amountMinor).to.equal(4999);
    expect(await rejection(Payment.create(payment))).to.be.instanceOf(UniqueConstraintError);
    expect(await rejection(Payment.create({ ...payment, whopPaymentId: 'pay_2', amountMinor: -5 }))).to.be.instanceOf(
      DatabaseError,
    );
    expect(await rejection(Payment.create({ ...payment, whopPaymentId: 'pay_3', currency: 'US' }))).to.be.instanceOf(
      DatabaseError,
    );
  });

  it('keeps one inbox row per webhook id', async () => {
    const { WebhookEvent } = t.runtime.deps.models;
    const event = {
      id: 'msg_1',
      type: 'membership.activated',
      companyId: 'biz_1',
      payload: { id: 'evt' },
      lockedUntil: null,
      lastError: null,
      processedAt: null,
    };
    const saved = await WebhookEvent.create(event);
    expect(saved.status).to.equal('pending');
    expect(await rejection(WebhookEvent.create(event))).to.be.instanceOf(UniqueConstraintError);
  });

  it('sends each outbox mail once per dedupe key', async () => {
    const { EmailOutbox } = t.runtime.deps.models;
    const mail = {
      dedupeKey: 'welcome:mem_1',
      template: 'welcome' as const,
      toAddress: 'a@example.test',
      subject: 'Welcome',
      lockedUntil: null,
      lastError: null,
      sentAt: null,
    };
    await EmailOutbox.create(mail);
    expect(await rejection(EmailOutbox.create(mail))).to.be.instanceOf(UniqueConstraintError);
  });

  it('removes a creator’s students, usage and videos with the creator', async () => {
    const { Creator, Student, Video } = t.runtime.deps.models;
    const creator = await make.creator();
    await Student.create({
      creatorId: creator.id,
      whopUserId: 'user_x',
      whopMembershipId: null,
      whopProductId: null,
      status: 'active',
      membershipStatus: null,
      membershipUpdatedAt: null,
    });
    await Video.create({ creatorId: creator.id, title: 'v', sizeBytes: 1, durationSeconds: 1 });
    await Creator.destroy({ where: { id: creator.id } });
    expect(await Student.count()).to.equal(0);
    expect(await Video.count()).to.equal(0);
  });
});
