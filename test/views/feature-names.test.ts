/**
 * Every page view, every email template and the sandbox's checkout texts, read as files: none
 * may name a feature that Chronos does not provide at any tier (the course builder, custom
 * branding and API access are not built yet; there never was an AI chat), and priority support
 * is named only where the page shows the configured support contact. The pages as rendered per
 * tier are scanned in test/integration/feature-names.test.ts.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { namedFeatures, UNPROVIDED } from '../support/feature-names.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const SOURCES = {
  'page views': filesUnder('views', ['.ejs']),
  'email templates': filesUnder('src/services/email', ['.ts']),
  'sandbox checkout texts': [
    ...filesUnder('packages/whop-sandbox/src/views/checkout', ['.ejs']),
    ...filesUnder('packages/whop-sandbox/src/checkout', ['.ts']),
    'packages/whop-sandbox/src/state/seed.ts',
  ],
};

/** Where "priority support" may be written: the dashboard's support card, shown only with SUPPORT_EMAIL. */
const SUPPORT_CARD = /<% if \(supportEmail\) \{ %>[\s\S]*?<% \} %>/g;

describe('feature names in page views, email templates and sandbox checkout texts', () => {
  for (const [kind, files] of Object.entries(SOURCES)) {
    it(`no ${kind} name a feature Chronos does not provide`, () => {
      expect(files.length, kind).to.be.greaterThan(0);
      for (const file of files) {
        const text = readFileSync(join(ROOT, file), 'utf8');
        const named = namedFeatures(text).filter((f) => UNPROVIDED.includes(f));
        expect(named, file).to.deep.equal([]);
      }
    });

    it(`no ${kind} promise priority support outside the support contact`, () => {
      for (const file of files) {
        const text = readFileSync(join(ROOT, file), 'utf8').replace(SUPPORT_CARD, '');
        expect(namedFeatures(text), file).not.to.include('priority_support');
      }
    });
  }

  it('scans for every name issue 17 lists', () => {
    const named = namedFeatures('AI chat, course builder, bulk upload, custom branding, api access, priority support');
    expect(named).to.have.members([
      'ai_chat',
      'course_builder',
      'bulk_upload',
      'custom_branding',
      'api_access',
      'priority_support',
    ]);
  });
});
