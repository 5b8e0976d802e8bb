/**
 * `npm run docs:screenshots [-- --skip-run]`: runs the creator, student and admin e2e journeys
 * (which save a full-page screenshot of every step, desktop 1280 px and 320 px, and of some steps
 * at 390 px, under `test-results/e2e/`), then copies a small chosen set into `docs/screenshots/`
 * for the README's "Trying it out" and the before/after of issue 18 (docs/screenshots/README.md).
 * `--skip-run` copies from the last e2e run. Fails, naming the step, when a chosen screenshot is
 * missing (a journey renamed its step), so the README never points at a stale picture. Only the
 * three journeys run: mocha merges a config file's `spec` with the files given, so the e2e
 * settings are given here instead of `--config test/e2e/mocharc.json` (which would run them all).
 * `docs/screenshots/before/` is kept.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const FROM = join(ROOT, 'test-results', 'e2e');
const TO = join(ROOT, 'docs', 'screenshots');
const JOURNEYS = ['test/e2e/01-creator.e2e.ts', 'test/e2e/02-student.e2e.ts', 'test/e2e/03-admin.e2e.ts'];

/** [journey, step, narrow (the 320 px shot), name in docs/]: a few pictures, small ones. */
const CHOSEN: [string, string, boolean, string][] = [
  ['j1-creator', 'landing', false, '1-landing'],
  ['j1-creator', 'whop-consent', false, '2-whop-consent'],
  ['j1-creator', 'onboarding', false, '3-creator-picks-company'],
  ['j1-creator', 'install-step', false, '4-install-chronos'],
  ['j1-creator', 'dashboard-connected', false, '5-creator-dashboard'],
  ['j1-creator', 'dashboard-connected', true, '5-creator-dashboard-320px'],
  ['j1-creator', 'video-library', false, '6-video-library'],
  ['j1-creator', 'video-library', true, '6-video-library-320px'],
  ['j1-creator', 'dashboard-390px', false, '5-creator-dashboard-390px'],
  ['j2-student', 'signed-in', false, '7-student-dashboard'],
  ['j2-student', 'student-390px', false, '7-student-dashboard-390px'],
  ['j3-admin', 'tiers-1280px', false, '8-admin-tiers'],
  ['j3-admin', 'tiers-390px', false, '8-admin-tiers-390px'],
  ['j3-admin', 'webhooks-1280px', false, '9-admin-webhooks'],
  ['j3-admin', 'webhooks-390px', false, '9-admin-webhooks-390px'],
];

/** The e2e settings of test/e2e/mocharc.json, without its `spec` (see above). */
const MOCHA_E2E = [
  '--no-config',
  '--node-option',
  'import=tsx',
  '--extension',
  'ts',
  '--require',
  'test/e2e/support/suite-hooks.ts',
  '--timeout',
  '120000',
  '--slow',
  '15000',
];

function shotOf(files: string[], journey: string, step: string, narrow: boolean): string | undefined {
  const pattern = new RegExp(`^${journey}-\\d{2}-${step}${narrow ? '-320px' : ''}\\.png$`);
  return files.filter((f) => pattern.test(f)).sort()[0];
}

/**
 * Makes the PNGs about a quarter of their size with pngquant (256 colours), where it is installed
 * (`apt-get install pngquant`); without it they are kept as Chromium saved them.
 */
function shrink(paths: string[]): void {
  const run = spawnSync('pngquant', ['--quality=60-85', '--speed', '1', '--force', '--ext', '.png', ...paths]);
  if (run.error) console.log('docs:screenshots: pngquant is not installed; the PNGs are kept as saved');
}

function main(): void {
  const { values } = parseArgs({ options: { 'skip-run': { type: 'boolean', default: false } } });
  if (!values['skip-run']) {
    const run = spawnSync('npx', ['mocha', ...MOCHA_E2E, ...JOURNEYS], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error(`the e2e journeys failed (exit ${run.status}); no screenshots copied`);
  }
  const files = readdirSync(FROM);
  const missing = CHOSEN.filter(([journey, step, narrow]) => !shotOf(files, journey, step, narrow));
  if (missing.length > 0)
    throw new Error(`no screenshot for: ${missing.map(([j, s, n]) => `${j} ${s}${n ? ' (320 px)' : ''}`).join(', ')}`);
  mkdirSync(TO, { recursive: true });
  for (const old of readdirSync(TO).filter((f) => f.endsWith('.png'))) rmSync(join(TO, old));
  for (const [journey, step, narrow, name] of CHOSEN) {
    copyFileSync(join(FROM, shotOf(files, journey, step, narrow)!), join(TO, `${name}.png`));
  }
  shrink(CHOSEN.map(([, , , name]) => join(TO, `${name}.png`)));
  console.log(`docs:screenshots: ${CHOSEN.length} screenshots in docs/screenshots/`);
}

main();
