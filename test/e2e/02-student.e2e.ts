import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';
import { creatorOnDashboard, signInWithWhop } from './support/whop-sign-in.ts';
import { SandboxControl } from '../support/sandbox-control.ts';

describe('journey 2: a student of an onboarded creator', () => {
  const journeys: Journey[] = [];
  afterEach(async () => {
    for (const journey of journeys.splice(0)) await journey.close();
  });

  it('signs in and sees on their dashboard that they have access to the course', async () => {
    const { chronos, browser } = e2e();
    await new SandboxControl(chronos.sandboxUrl).reset();

    // The creator of biz_creator1 has joined Chronos (in their own browser; done here if not yet).
    const creator = await creatorOnDashboard(browser, 'j2-setup-creator', chronos, 'user_creator_free', 'biz_creator1');
    journeys.push(creator);
    expect(await creator.page.locator('#students').innerText()).to.contain('@student1');
    await creator.close();

    const journey = await Journey.start(browser, 'j2-student');
    journeys.push(journey);
    const { page } = journey;
    await signInWithWhop(journey, chronos, 'user_student1');
    expect(page.url()).to.equal(`${chronos.appUrl}/dashboard`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Your courses');
    expect(await page.getByRole('banner').innerText()).to.contain('Sam Student');

    const course = page.locator('article.course', { has: page.getByRole('heading', { name: 'Creator One Academy' }) });
    expect(await course.count(), 'one course card for Creator One Academy').to.equal(1);
    expect(await course.getAttribute('class')).to.contain('course-open');
    expect(await course.locator('.status').innerText()).to.equal('Access');
    expect(await course.innerText()).to.contain('You have access');
    // The same page at 390 px (a phone), for docs/screenshots/ (npm run docs:screenshots).
    await page.setViewportSize({ width: 390, height: 800 });
    await journey.reload('student-390px');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Your courses');
  });
});
