/**
 * Billing moments (issue 18) as a creator and a student see them, with the sandbox as Whop: a
 * failed renewal of the creator's Chronos plan shows a banner whose "Update your payment method"
 * opens Whop's manage page of that plan membership, shows no renewal date beside it, and sends
 * one email; a student whose membership ended gets "Renew it on Whop" linking their own.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { onboard } from '../support/onboarding.ts';
import { eventually } from '../support/wait.ts';

describe('billing moments', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    await t.control.reset();
  });
  after(() => t.close());

  async function settled(what: string, done: () => Promise<boolean>): Promise<void> {
    await eventually(
      async () => {
        await t.drain();
        return done();
      },
      { what },
    );
  }

  async function mailbox(): Promise<{ to: string; subject: string }[]> {
    const answer = await fetch(`${t.sandbox.url}/sandbox/api/mailbox`);
    return ((await answer.json()) as { data: { to: string; subject: string }[] }).data;
  }

  it('a failed renewal: the banner links Whop’s manage page of the plan, no "Renews on", one email', async () => {
    const creator = await t.signIn('user_creator_free');
    await onboard(t, creator, 'biz_creator1');
    await t.control.pay('user_creator_free', 'prod_pro');
    const { Creator } = t.runtime.deps.models;
    await settled('the Pro tier', async () => (await Creator.findOne())?.tier === 'pro');
    const before = (await creator.get(`${t.appUrl}/dashboard`)).text;
    expect(before).to.match(/Renews on <strong>/);
    expect(before).not.to.contain('Your last payment for Chronos failed');

    await t.control.pay('user_creator_free', 'prod_pro', 'failed');
    await settled('the grace period', async () => (await Creator.findOne())?.billingStatus === 'past_due');
    const membership = (await t.control.memberships()).find(
      (m) => m.user.id === 'user_creator_free' && m.product.id === 'prod_pro',
    )!;
    const html = (await creator.get(`${t.appUrl}/dashboard`)).text;
    expect(html).to.contain('Your last payment for Chronos failed');
    expect(html).to.match(
      new RegExp(
        `<a href="${t.sandbox.url}/sandbox/memberships#${membership.id}" id="update-payment-method">Update your payment method</a> on Whop`,
      ),
    );
    expect(html, 'no renewal date beside a failed payment').not.to.contain('Renews on');

    await t.drain();
    const failedMails = (await mailbox()).filter((m) => /failed/i.test(m.subject));
    expect(failedMails.map((m) => m.subject)).to.have.length(1);
    expect(failedMails[0]!.subject).to.match(/^Your Chronos payment failed: you keep Pro until /);
  });

  it('a student whose membership ended: "Renew it on Whop" links their own membership on Whop', async () => {
    const owner = await t.signIn('user_creator_free');
    await onboard(t, owner, 'biz_creator1');
    const memberships = await t.control.memberships();
    const mine = memberships.find((m) => m.user.id === 'user_student1' && m.product.id === 'prod_course1')!;
    const theirs = memberships.find((m) => m.user.id === 'user_student2' && m.product.id === 'prod_course1')!;
    await t.control.setStatus(mine.id, 'expired');
    await t.control.setStatus(theirs.id, 'expired');
    const { Student } = t.runtime.deps.models;
    await settled('both students inactive', async () => (await Student.count({ where: { status: 'inactive' } })) === 2);
    const student = await t.signIn('user_student1');
    const html = (await student.get(`${t.appUrl}/dashboard`)).text;
    expect(html).to.contain(
      `Your Whop membership is expired. <a class="renew-link" href="${t.sandbox.url}/sandbox/memberships#${mine.id}" rel="noopener noreferrer">Renew it on Whop</a> to get access again.`,
    );
    expect(html).not.to.contain(theirs.id);
  });
});
