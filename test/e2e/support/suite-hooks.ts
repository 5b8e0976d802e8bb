/**
 * Root hooks of the e2e suite: one Chronos (with its sandbox) and one headless Chromium for all
 * journeys, each journey in a fresh browser context. At the end the browser closes, the app gets
 * SIGTERM and must exit 0, and its log is kept in `test-results/e2e/server.log`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { startChronos, type RunningChronos } from '../../support/chronos-process.ts';
import { SCREENSHOT_DIR, screenshotsTaken } from './journey.ts';

/** Debian's Chromium; the suite never downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

interface Suite {
  chronos: RunningChronos;
  browser: Browser;
}

let suite: Suite | undefined;

/** The running app and browser (available inside tests). */
export function e2e(): Suite {
  if (!suite) throw new Error('the e2e suite hooks did not start Chronos (run through `npm run test:e2e`)');
  return suite;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(150_000);
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const [chronos, browser] = await Promise.allSettled([
      startChronos(),
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }),
    ]);
    if (chronos.status === 'rejected' || browser.status === 'rejected') {
      // One failed (no Chromium at /usr/bin/chromium, say): leave nothing of the other running.
      if (chronos.status === 'fulfilled') await chronos.value.stop();
      if (browser.status === 'fulfilled') await browser.value.close();
      throw chronos.status === 'rejected' ? chronos.reason : (browser as PromiseRejectedResult).reason;
    }
    suite = { chronos: chronos.value, browser: browser.value };
    process.stdout.write(
      `  Chronos at ${suite.chronos.appUrl} (up in ${suite.chronos.startedInMs} ms), sandbox at ${suite.chronos.sandboxUrl}, Chromium ${suite.browser.version()}\n`,
    );
  },

  /** A journey that failed because the app went away says so, with the app's last words. */
  afterEach(): void {
    const early = suite?.chronos.exitedEarly();
    if (early) throw new Error(early);
  },

  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    if (!suite) return;
    const { chronos, browser } = suite;
    suite = undefined;
    await browser.close();
    const code = await chronos.stop();
    writeFileSync(join(SCREENSHOT_DIR, 'server.log'), chronos.output());
    process.stdout.write(`  ${screenshotsTaken.length} screenshots in ${SCREENSHOT_DIR}; app log in server.log\n`);
    expect(code, 'Chronos exit code after SIGTERM').to.equal(0);
  },
};
