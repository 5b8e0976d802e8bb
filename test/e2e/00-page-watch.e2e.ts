import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey } from './support/journey.ts';

/** The journeys' "no console errors, no CSP violations" checks are only worth something if they can fail. */
describe('the page watch every journey relies on', () => {
  it('notices a CSP violation and a console error on an app page', async () => {
    const { chronos, browser } = e2e();
    const journey = await Journey.start(browser, 'j0-watch');
    try {
      await journey.open(`${chronos.appUrl}/`, 'landing');
      // An inline script without the page's nonce: the app's CSP must block it, and the watch must see it.
      await journey.page.addScriptTag({ content: 'window.__e2eInlineRan = true;' }).catch(() => undefined);
      expect(
        await journey.page.evaluate('window.__e2eInlineRan === true'),
        'the CSP blocked the inline script',
      ).to.equal(false);
      await journey.page.evaluate('console.error("e2e: a deliberate console error")');
      await journey.page.waitForTimeout(200);
      const problems = journey.takeProblems();
      expect(problems.filter((p) => p.kind === 'CSP violation').length, 'CSP violations seen').to.be.greaterThan(0);
      expect(problems.map((p) => p.text)).to.include('e2e: a deliberate console error');
    } finally {
      await journey.close();
    }
  });
});
