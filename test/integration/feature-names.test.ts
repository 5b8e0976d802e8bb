/**
 * The pages as they render, per tier: a page that says what a tier includes (the dashboard's
 * plan card, each plan on /pricing, the sandbox's checkout of each Chronos product) names
 * exactly the features the app provides at that tier, and no page a creator, student or
 * visitor opens names a feature no tier provides. Priority support counts as provided only
 * with SUPPORT_EMAIL set. (The templates as files: test/views/feature-names.test.ts.)
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { onboard } from '../support/onboarding.ts';
import { namedBeyond, namedFeatures, UNPROVIDED, visibleText } from '../support/feature-names.ts';
import { shownFeatures, TIERS, type Tier } from '../../src/domain/tier-table.ts';
import { tierCard } from '../support/pricing-page.ts';

const PRODUCT_TIERS = { prod_basic: 'basic', prod_pro: 'pro', prod_enterprise: 'enterprise' } as const;

for (const supportEmail of [undefined, 'help@chronos.test']) {
  const supportContact = supportEmail !== undefined;

  describe(`feature names as rendered, per tier (SUPPORT_EMAIL ${supportContact ? 'set' : 'unset'})`, () => {
    let t: ChronosWithSandbox;

    before(async () => {
      t = await startChronosWithSandbox({ env: supportEmail ? { SUPPORT_EMAIL: supportEmail } : {} });
    });
    beforeEach(() => cleanTables(t.runtime.deps.sequelize));
    after(() => t.close());

    /** Fails naming the page if it names a feature that no tier provides. */
    function expectNoUnprovided(page: string, html: string) {
      expect(
        namedFeatures(visibleText(html)).filter((f) => UNPROVIDED.includes(f)),
        page,
      ).to.deep.equal([]);
    }

    for (const tier of TIERS) {
      it(`the pages of a creator on ${tier} name only the features of ${tier}`, async () => {
        const browser = await t.signIn('user_creator_free');
        await onboard(t, browser, 'biz_creator1');
        await t.runtime.deps.models.Creator.update({ tier, tierUpdatedAt: new Date() }, { where: {} });
        const provided = shownFeatures(tier, { supportContact });

        const dashboard = (await browser.get(`${t.appUrl}/dashboard`)).text;
        const planLine = /Features: ([^<]*)<\/p>/.exec(dashboard)?.[1] ?? '';
        expect(namedFeatures(planLine), 'the plan card').to.deep.equal(provided);
        expect(
          namedBeyond(visibleText(dashboard), [...provided, 'analytics', 'course_builder', 'bulk_upload']),
        ).to.deep.equal([]);

        const pricing = (await browser.get(`${t.appUrl}/pricing`)).text;
        for (const column of TIERS)
          expect(namedFeatures(visibleText(tierCard(pricing, column))), `the ${column} plan on /pricing`).to.deep.equal(
            shownFeatures(column, { supportContact }),
          );

        for (const path of ['/dashboard', '/pricing', '/dashboard/videos', '/analytics', '/', '/login'])
          expectNoUnprovided(path, (await browser.get(`${t.appUrl}${path}`)).text);
      });
    }

    it('a student’s and a visitor’s pages name no feature that does not exist', async () => {
      const student = await t.signIn('user_student1');
      for (const path of ['/dashboard', '/pricing', '/courses/biz_creator1'])
        expectNoUnprovided(path, (await student.get(`${t.appUrl}${path}`)).text);
      for (const path of ['/', '/login', '/pricing'])
        expectNoUnprovided(path, await (await fetch(`${t.appUrl}${path}`)).text());
    });

    it('the sandbox’s checkout of each Chronos plan names only what that tier provides', async () => {
      for (const [product, tier] of Object.entries(PRODUCT_TIERS) as [string, Tier][]) {
        const page = await fetch(`${t.sandbox.url}/sandbox/checkout/${product}`);
        expect(page.status, product).to.equal(200);
        // The sandbox cannot know SUPPORT_EMAIL, so its texts may never promise priority support.
        expect(
          namedBeyond(visibleText(await page.text()), shownFeatures(tier, { supportContact: false })),
          product,
        ).to.deep.equal([]);
      }
    });
  });
}
