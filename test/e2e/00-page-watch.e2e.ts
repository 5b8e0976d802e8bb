import { expect } from 'chai';
import { e2e } from './support/suite-hooks.ts';
import { Journey, SCREENSHOT_DIR } from './support/journey.ts';
import { accessibilityViolations, htmlErrors, reflowAt320 } from './support/page-audit.ts';
import { until } from '../support/wait.ts';

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
      // The watch hears of both as the browser reports them: until then, gather what it has heard.
      const problems: ReturnType<Journey['takeProblems']> = [];
      await until(
        () => {
          problems.push(...journey.takeProblems());
          return (
            problems.some((p) => p.kind === 'CSP violation') &&
            problems.some((p) => p.text === 'e2e: a deliberate console error')
          );
        },
        {
          what: 'the page watch hearing of the CSP violation and the console error',
          intervalMs: 20,
          timeoutMs: 10_000,
        },
      );
      expect(problems.filter((p) => p.kind === 'CSP violation').length, 'CSP violations seen').to.be.greaterThan(0);
      expect(problems.map((p) => p.text)).to.include('e2e: a deliberate console error');
    } finally {
      await journey.close();
    }
  });

  it('notices low contrast, invalid HTML and a page wider than 320 px', async () => {
    const { chronos, browser } = e2e();
    const journey = await Journey.start(browser, 'j0-audit');
    try {
      const response = await journey.open(`${chronos.appUrl}/`, 'landing');
      // The brand orange the buttons had before (white on #ff6243, 2.97:1): axe must refuse it.
      await journey.page.evaluate(`(() => {
        const button = document.querySelector('main .button');
        button.style.background = '#ff6243';
        button.style.color = '#fff';
      })()`);
      const violations = await accessibilityViolations(journey.page);
      expect(violations.join('\n'), 'axe-core').to.match(/^color-contrast: /m);

      // A second element with the id the skip link lands on: invalid HTML.
      const html = (await response.text()).replace('<main id="main" class="container">', '$&<p id="main">again</p>');
      expect((await htmlErrors(html, 'j0-audit-broken')).join('\n'), 'html-validate').to.match(/^no-dup-id: /m);

      await journey.page.evaluate(`document.querySelector('main').style.minWidth = '400px'`);
      const reflow = await reflowAt320(journey.page, `${SCREENSHOT_DIR}/j0-audit-wide-320px.png`);
      expect(reflow.scrollWidth, 'the page is wider than 320 px').to.be.greaterThan(reflow.innerWidth);
    } finally {
      await journey.close();
    }
  });
});
