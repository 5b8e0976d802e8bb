import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../../src/models/init-models.ts';
import { enqueueEmail } from '../../../src/services/email/email-outbox.ts';
import { InvalidEmailError } from '../../../src/services/email/email-templates.ts';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { APP_URL, onlyRow, outboxRows, receiptMail, rejectionOf } from './email-test-helpers.ts';

describe('email outbox: enqueueEmail', () => {
  let t: TestApp;
  let sequelize: Sequelize;
  let models: Models;
  const options = { appUrl: APP_URL };

  before(async () => {
    t = await startTestApp();
    ({ sequelize, models } = t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(sequelize));

  it('queues one pending row with the rendered subject and the payload', async () => {
    expect(await enqueueEmail(models, receiptMail(1), options)).to.equal(true);
    const row = await onlyRow(sequelize);
    expect(row).to.include({
      dedupeKey: 'receipt:pay_1',
      template: 'receipt',
      toAddress: 'student1@example.com',
      status: 'pending',
      attempts: 0,
    });
    expect(row.subject).to.equal('Your receipt: $49.99 for Course One');
    expect(row.payload).to.deep.include({ amountMinor: 4999, paymentId: 'pay_1' });
    expect(row.lockedUntil).to.equal(null);
    expect(row.nextAttemptAt.getTime()).to.be.at.most(Date.now() + 1000);
  });

  it('queues a dedupe key once however often (and however concurrently) it is enqueued', async () => {
    const mail = receiptMail(7);
    const results: boolean[] = [];
    for (let i = 0; i < 5; i += 1) results.push(await enqueueEmail(models, mail, options));
    results.push(
      ...(await Promise.all(
        Array.from({ length: 10 }, () =>
          sequelize.transaction((transaction) => enqueueEmail(models, mail, { ...options, transaction })),
        ),
      )),
    );
    results.push(...(await Promise.all(Array.from({ length: 5 }, () => enqueueEmail(models, mail, options)))));
    expect(results).to.have.length(20);
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await outboxRows(sequelize)).to.have.length(1);
  });

  it("is written atomically with the caller's transaction: a rollback leaves no mail", async () => {
    const failed = sequelize.transaction(async (transaction) => {
      await enqueueEmail(models, receiptMail(1), { ...options, transaction });
      throw new Error('the change that caused the mail failed');
    });
    expect((await rejectionOf(failed)).message).to.equal('the change that caused the mail failed');
    expect(await outboxRows(sequelize)).to.have.length(0);

    await sequelize.transaction((transaction) => enqueueEmail(models, receiptMail(1), { ...options, transaction }));
    expect(await outboxRows(sequelize)).to.have.length(1);
  });

  it('stores bigint amounts and Date values in their JSON form', async () => {
    const mail = receiptMail(2);
    await enqueueEmail(
      models,
      { ...mail, payload: { ...mail.payload, amountMinor: 4999n, paidAt: new Date('2027-03-03T14:05:00Z') } },
      options,
    );
    const row = await onlyRow(sequelize);
    expect(row.payload).to.deep.include({ amountMinor: '4999', paidAt: '2027-03-03T14:05:00.000Z' });
  });

  it('refuses an invalid address, key or payload and writes nothing', async () => {
    for (const to of ['not-an-email', 'student@', 'a@b.example\r\nBcc: x@y.example', '']) {
      expect(await rejectionOf(enqueueEmail(models, receiptMail(1, { to }), options)))
        .to.be.instanceOf(InvalidEmailError)
        .and.have.property('message')
        .that.matches(/not a valid email address/);
    }
    expect(await rejectionOf(enqueueEmail(models, receiptMail(1, { dedupeKey: '' }), options)))
      .to.be.instanceOf(InvalidEmailError)
      .and.have.property('message')
      .that.matches(/dedupe key/);
    expect(await rejectionOf(enqueueEmail(models, receiptMail(1, { payload: { currency: 'usd' } }), options)))
      .to.be.instanceOf(InvalidEmailError)
      .and.have.property('message')
      .that.matches(/amountMinor/);
    expect(await outboxRows(sequelize)).to.have.length(0);
  });

  it('trims the address', async () => {
    await enqueueEmail(models, receiptMail(3, { to: '  student3@example.com ' }), options);
    expect((await onlyRow(sequelize)).toAddress).to.equal('student3@example.com');
  });
});
