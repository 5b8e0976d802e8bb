import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { e2e } from './support/suite-hooks.ts';
import type { Journey } from './support/journey.ts';
import { creatorOnDashboard, installOnWhop, studentCount } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';

describe('journey 4: a new student arrives from Whop (the sandbox UI)', () => {
  let journey: Journey | undefined;
  afterEach(async () => {
    await journey?.close();
    journey = undefined;
  });

  it('creates a user and an active prod_course1 membership in the sandbox UI, and the creator dashboard counts the new student', async () => {
    const { chronos, browser } = e2e();
    await new SandboxControl(chronos.sandboxUrl).reset();
    journey = await creatorOnDashboard(browser, 'j4-sandbox', chronos, 'user_creator_free', 'biz_creator1');
    const { page } = journey;
    // The reset sandbox has the app installed on biz_creator2 only (its seed): app webhooks reach
    // biz_creator1 once its admin installs Chronos there again, on Whop's install page.
    await installOnWhop(journey, chronos.sandboxUrl, 'biz_creator1', 'app-installed');
    await journey.open(`${chronos.appUrl}/dashboard`, 'dashboard');
    const activeStudents = page.locator('.usage', { hasText: 'Active students' }).locator('.usage-value');
    const before = await studentCount(journey);
    const activeBefore = Number((await activeStudents.innerText()).split(' / ')[0]);
    expect(before, 'the seeded students at least').to.be.at.least(2);

    // The sandbox's control UI: the registered app points its webhooks at this Chronos.
    await journey.open(`${chronos.sandboxUrl}/sandbox`, 'sandbox-app');
    expect(await page.locator('body').innerText()).to.contain(`${chronos.appUrl}/api/whop/webhook`);

    // A new user…
    const username = `e2e_${randomBytes(4).toString('hex')}`;
    await journey.click(
      page.getByRole('navigation', { name: 'Sandbox' }).getByRole('link', { name: 'Users' }),
      'sandbox-users',
    );
    const createUser = page.locator('section', { has: page.getByRole('heading', { name: 'Create a user' }) });
    await createUser.getByLabel('Username', { exact: true }).fill(username);
    await createUser.getByLabel('Name', { exact: true }).fill('Eve Newcomer');
    await createUser.getByLabel('Email', { exact: true }).fill(`${username}@example.test`);
    await journey.click(createUser.getByRole('button', { name: 'Create user' }), 'sandbox-user-created');
    const created = /Created (user_\w+) \(@(\w+)\)\./.exec(await page.getByRole('status').innerText());
    expect(created, 'the sandbox names the new user').to.not.equal(null);
    const userId = created![1]!;
    expect(created![2]).to.equal(username);

    // …and their membership of prod_course1, which fires membership.activated.
    await journey.click(
      page.getByRole('navigation', { name: 'Sandbox' }).getByRole('link', { name: 'Memberships' }),
      'sandbox-memberships',
    );
    const createMembership = page.locator('section', {
      has: page.getByRole('heading', { name: 'Create a membership' }),
    });
    await createMembership.getByLabel(/^User\b/).selectOption(userId);
    await createMembership.getByLabel(/^Product\b/).selectOption('prod_course1');
    await createMembership.getByLabel(/^Status\b/).selectOption('active');
    await journey.click(
      createMembership.getByRole('button', { name: 'Create membership' }),
      'sandbox-membership-created',
    );
    expect(await page.getByRole('status').innerText()).to.match(
      /^Created mem_\w+ \(active\)\. Fired membership\.activated, membership\.updated\.$/,
    );
    const membershipRow = page.locator('tbody tr', { hasText: userId });
    expect(await membershipRow.innerText())
      .to.contain('prod_course1')
      .and.to.contain('active');

    // The delivery log shows the event went to the app.
    await journey.click(
      page.getByRole('navigation', { name: 'Sandbox' }).getByRole('link', { name: 'Deliveries' }),
      'sandbox-deliveries',
    );
    expect(await page.locator('tbody tr', { hasText: 'membership.activated' }).first().innerText()).to.contain(
      'biz_creator1',
    );

    // Back in Chronos: the worker applies the event; the creator sees one more student.
    await journey.open(`${chronos.appUrl}/dashboard`, 'dashboard-back');
    await journey.reloadUntil('dashboard-new-student', async () => (await studentCount(journey!)) === before + 1, {
      timeoutMs: 15_000,
      what: `the student count going from ${before} to ${before + 1}`,
    });
    const newRow = page.locator('#students tbody tr', { hasText: `@${username}` });
    expect(await newRow.innerText()).to.contain('Active');
    expect(await newRow.innerText(), 'names, not raw Whop ids').not.to.contain(userId);
    expect(await activeStudents.innerText(), 'free tier: 10 active students').to.equal(`${activeBefore + 1} / 10`);
  });
});
