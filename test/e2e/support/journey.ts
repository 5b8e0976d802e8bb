/**
 * One person's visit in a fresh browser context. Every page the journey lands on is checked the
 * same way: the main document's HTTP status is the expected one, a full-page screenshot is saved
 * under `test-results/e2e/<journey>-<nn>-<step>.png`, and the browser logged no console error and
 * no Content-Security-Policy violation while it loaded. The one allowed console error is
 * Chromium's "Failed to load resource: … status of 400/403/404/422" for the document itself, on a
 * page the step expects to answer that status.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, CDPSession, Locator, Page, Response } from 'playwright-core';
import { PROJECT_ROOT } from '../../support/child-process.ts';
import { accessibilityViolations, htmlErrors, reflowAt320, REFLOW_WIDTH } from './page-audit.ts';

export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-results', 'e2e');

/** Chromium's wording changes between versions ("Refused to …", "Executing inline script violates …"). */
const CSP_TEXT = /Content[- ]Security[- ]Policy/i;

export interface PageProblem {
  kind: 'console error' | 'CSP violation' | 'page error';
  text: string;
  /** The resource the message is about, when Chromium says (for "Failed to load resource", the failed URL). */
  url: string;
}

export interface LandOptions {
  /** The main document's expected HTTP status (default 200). */
  status?: number;
}

/** Every screenshot saved in this run, for the suite's summary. */
export const screenshotsTaken: string[] = [];

export class Journey {
  private stepCount = 0;
  private problems: PageProblem[] = [];
  private closed = false;

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {}

  static async start(browser: Browser, name: string): Promise<Journey> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const journey = new Journey(name, context, page, cdp);
    journey.watch();
    // Chromium reports every CSP violation as an issue, whatever the console says about it.
    await cdp.send('Audits.enable');
    return journey;
  }

  private watch(): void {
    this.page.on('console', (message) => {
      const text = message.text();
      if (CSP_TEXT.test(text)) this.problems.push({ kind: 'CSP violation', text, url: message.location().url });
      else if (message.type() === 'error')
        this.problems.push({ kind: 'console error', text, url: message.location().url });
    });
    this.page.on('pageerror', (error) =>
      this.problems.push({ kind: 'page error', text: error.message, url: this.page.url() }),
    );
    this.cdp.on('Audits.issueAdded', ({ issue }) => {
      const csp = issue.details.contentSecurityPolicyIssueDetails;
      if (issue.code !== 'ContentSecurityPolicyIssue' || !csp) return;
      const where = csp.blockedURL ?? csp.sourceCodeLocation?.url ?? this.page.url();
      this.problems.push({
        kind: 'CSP violation',
        text: `${csp.violatedDirective} (${csp.contentSecurityPolicyViolationType})`,
        url: where,
      });
    });
  }

  /** Types the URL into the address bar. */
  async open(url: string, step: string, options: LandOptions = {}): Promise<Response> {
    return this.landed(step, await this.page.goto(url), options);
  }

  /** Clicks a link or a submit button and waits for the page it leads to (after any redirects). */
  async click(target: Locator, step: string, options: LandOptions = {}): Promise<Response> {
    const [response] = await Promise.all([this.page.waitForNavigation(), target.click()]);
    return this.landed(step, response, options);
  }

  /** Waits for the page to move on by itself (its own script navigates) and checks where it lands. */
  async waitForItsNavigation(step: string, options: LandOptions & { timeoutMs?: number } = {}): Promise<Response> {
    const response = await this.page.waitForNavigation({ timeout: options.timeoutMs ?? 30_000 });
    return this.landed(step, response, options);
  }

  async reload(step: string, options: LandOptions = {}): Promise<Response> {
    return this.landed(step, await this.page.reload(), options);
  }

  /**
   * Reloads the page (at most every `intervalMs`) until `done()` holds; each load is checked like
   * any other, and its screenshot replaces the previous one of this step.
   */
  async reloadUntil(
    step: string,
    done: () => Promise<boolean>,
    options: { timeoutMs: number; intervalMs?: number; what: string },
  ): Promise<number> {
    const started = Date.now();
    const shot = this.nextScreenshotPath(step);
    for (let loads = 1; ; loads += 1) {
      await this.check(step, await this.page.reload(), {}, shot);
      if (await done()) return loads;
      if (Date.now() - started > options.timeoutMs)
        throw new Error(
          `${this.name}/${step}: ${options.what} did not happen within ${options.timeoutMs} ms (${loads} reloads)`,
        );
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }

  /** The visible text of the page's main content (or the whole body on pages without `<main>`). */
  async mainText(): Promise<string> {
    const main = this.page.locator('main');
    return (await main.count()) > 0 ? main.innerText() : this.page.locator('body').innerText();
  }

  /** Problems seen since the last landing, without failing: for the suite's own check of the watch. */
  takeProblems(): PageProblem[] {
    const problems = this.problems;
    this.problems = [];
    return problems;
  }

  /**
   * Takes back the console errors a step caused on purpose (a request the test cut off, say),
   * each matching `expected`; fails if there was none, so an expectation never hides nothing.
   */
  acceptProblems(expected: (problem: PageProblem) => boolean, why: string): void {
    const taken = this.takeProblems();
    const accepted = taken.filter(expected);
    expect(accepted, `${this.name}: expected ${why}`).to.not.deep.equal([]);
    this.problems.push(...taken.filter((p) => !expected(p)));
  }

  /** Ends the journey; anything the browser logged after the last landing still fails it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Whatever the page started has run to the load event, and one more round trip through the
    // page brings every console message and CSP report it sent before (the protocol keeps order).
    await this.page.waitForLoadState('load');
    await this.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    const left = this.takeProblems();
    await this.context.close();
    expect(left, `${this.name}: console errors or CSP violations after the last page`).to.deep.equal([]);
  }

  /**
   * WCAG 2.2 AA (axe-core), valid HTML (html-validate on what the server sent) and no sideways
   * scrolling at 320 px, on the page as it is now; a screenshot at 320 px is saved beside the other.
   */
  private async audit(where: string, response: Response, screenshotPath: string): Promise<void> {
    expect(await accessibilityViolations(this.page), `${where}: axe-core WCAG 2.2 AA violations`).to.deep.equal([]);
    const html = await response.text();
    const name = screenshotPath.slice(SCREENSHOT_DIR.length + 1).replace(/\.png$/, '');
    expect(await htmlErrors(html, name), `${where}: html-validate errors in the server's HTML`).to.deep.equal([]);
    const narrowShot = screenshotPath.replace(/\.png$/, `-${REFLOW_WIDTH}px.png`);
    const reflow = await reflowAt320(this.page, narrowShot);
    expect(
      reflow.scrollWidth,
      `${where}: at ${REFLOW_WIDTH} px the page is ${reflow.scrollWidth} px wide (reaching out: ${reflow.widest.join(' < ')})`,
    ).to.be.at.most(reflow.innerWidth);
  }

  private nextScreenshotPath(step: string): string {
    this.stepCount += 1;
    const file = `${this.name}-${String(this.stepCount).padStart(2, '0')}-${step}.png`;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return join(SCREENSHOT_DIR, file);
  }

  private async landed(step: string, response: Response | null, options: LandOptions): Promise<Response> {
    return this.check(step, response, options, this.nextScreenshotPath(step));
  }

  private async check(
    step: string,
    response: Response | null,
    options: LandOptions,
    screenshotPath: string,
  ): Promise<Response> {
    const where = `${this.name}/${step} (${this.page.url()})`;
    // Late subresources (stylesheet, favicon) and their console messages belong to this page.
    await this.page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    await this.page.screenshot({ path: screenshotPath, fullPage: true });
    if (!screenshotsTaken.includes(screenshotPath)) screenshotsTaken.push(screenshotPath);
    expect(response, `${where}: no document loaded`).to.not.equal(null);
    const status = options.status ?? 200;
    expect(response!.status(), `${where}: HTTP status`).to.equal(status);
    const documentUrl = this.page.url();
    const allowed = (p: PageProblem) =>
      // Refusals the page itself explains: a bad request (400), forbidden, not found, a form shown
      // again with its errors (422).
      [400, 403, 404, 422].includes(status) &&
      p.kind === 'console error' &&
      p.url === documentUrl &&
      new RegExp(`^Failed to load resource: the server responded with a status of ${status}\\b`).test(p.text);
    const problems = this.takeProblems().filter((p) => !allowed(p));
    expect(problems, `${where}: console errors or CSP violations`).to.deep.equal([]);
    await this.audit(where, response!, screenshotPath);
    return response!;
  }
}
