import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { overviewFixtures, type OverviewFixtures } from '../services/admin/overview-fixtures.ts';
import { monthOf } from '../../src/services/usage/usage-service.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

const MB = 1024 ** 2;
const DAY = 24 * 60 * 60 * 1000;

function expectNoInlineScriptOrStyle(html: string): void {
  expect(html).not.to.match(/<script(?![^>]*\bsrc=)/i);
  expect(html).not.to.match(/\sstyle\s*=/i);
  expect(html).not.to.match(/<style/i);
}

/** The HTML from `marker` up to the end of its section. */
function section(html: string, marker: string): string {
  const start = html.indexOf(marker);
  expect(start, `no ${marker} on the page`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The fallback table's values, first row to last. */
function tableValues(chartSection: string): string[] {
  return [...chartSection.matchAll(/<th scope="row">[^<]*<\/th><td class="admin-num">([^<]*)<\/td>/g)].map(
    (m) => m[1]!,
  );
}

/** The first day of the month `back` months before this one (UTC), `YYYY-MM-01`. */
function monthsAgo(back: number): string {
  const now = new Date();
  return monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)));
}

describe('GET /analytics', () => {
  let t: ChronosWithSandbox;
  let f: OverviewFixtures;

  before(async () => {
    t = await startChronosWithSandbox();
    f = overviewFixtures(t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  /** Signs the seeded creator in, then makes them a creator on `tier` (after sign-in, which reads the tier from Whop). */
  async function creatorOn(tier: Tier) {
    const browser = await t.signIn('user_creator_free');
    const user = await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_creator_free' } });
    const creator = await f.creator({ ownerUserId: user!.id, tier, name: 'Creator One' });
    return { browser, creator };
  }

  it('sends signed-out visitors to the login page', async () => {
    const response = await new TestBrowser().get(`${t.appUrl}/analytics`);
    expect(response.status).to.equal(302);
    expect(response.location).to.equal(`${t.appUrl}/login?returnTo=%2Fanalytics`);
  });

  it('shows a free creator the locked page (403) naming the tier that unlocks analytics', async () => {
    const { browser } = await creatorOn('free');
    const response = await browser.get(`${t.appUrl}/analytics`);
    expect(response.status).to.equal(403);
    expect(response.text).to.contain('Locked');
    expect(response.text).to.contain('<strong>Basic</strong> plan and above');
    expect(response.text).not.to.contain('<svg');
    expectNoInlineScriptOrStyle(response.text);
  });

  it('shows a basic creator their videos, storage, AI credits and students over time, each as a chart with a table', async () => {
    const { browser, creator } = await creatorOn('basic');
    const other = await f.creator({ tier: 'basic' });
    const now = new Date();
    await f.videos(creator.id, [200 * MB], new Date(now.getTime() - 200 * DAY)); // before the 12 weeks
    await f.videos(creator.id, [10 * MB, 20 * MB], now);
    await f.videos(other.id, [999 * MB], now);
    await f.students(creator.id, 3, 'active', now);
    await f.students(creator.id, 1, 'inactive', now);
    await f.credits(creator.id, monthOf(now), 120);
    await f.credits(creator.id, monthsAgo(2), 30);
    await f.credits(creator.id, monthsAgo(12), 5000); // outside the 12 months
    await f.credits(other.id, monthOf(now), 777);

    const response = await browser.get(`${t.appUrl}/analytics`);
    expect(response.status).to.equal(200);
    const html = response.text;
    expect(html).to.contain('<h1>Analytics</h1>');
    expect(html).to.contain('href="/dashboard"');

    expect(html).to.contain('<dd id="stat-videos-added">2</dd>');
    expect(html).to.contain('<dd id="stat-storage">230 MB</dd>');
    expect(html).to.contain('<dd id="stat-students-joined">4</dd>');
    expect(html).to.contain('<dd id="stat-ai-credits">150</dd>');

    for (const [id, heading] of [
      ['videos-per-week', 'Videos added per week'],
      ['storage-over-time', 'Storage over time'],
      ['credits-per-month', 'AI credits per month'],
      ['students-per-week', 'Students joined per week'],
    ] as const) {
      const chart = section(html, `id="${id}"`);
      expect(chart, id).to.contain(`<h2 id="${id.split('-')[0]}-heading">${heading}</h2>`);
      expect(chart, id).to.match(/<svg class="chart-svg"[^>]*role="img"[^>]*aria-label="[^"]+"/);
      expect(chart, id).to.contain('<details class="chart-table">');
    }

    const videos = section(html, 'id="videos-per-week"');
    expect(videos.match(/<rect class="chart-bar"/g)).to.have.length(12);
    expect(tableValues(videos)).to.deep.equal([...Array(11).fill('0'), '2']);

    const storage = section(html, 'id="storage-over-time"');
    expect(storage).to.contain('<path class="chart-line"');
    expect(storage.match(/<circle class="chart-point"/g)).to.have.length(12);
    expect(tableValues(storage)).to.deep.equal([...Array(11).fill('200 MB'), '230 MB']);

    const credits = section(html, 'id="credits-per-month"');
    expect(tableValues(credits)).to.deep.equal([...Array(9).fill('0'), '30', '0', '120']);

    const students = section(html, 'id="students-per-week"');
    expect(tableValues(students)).to.deep.equal([...Array(11).fill('0'), '4']);

    expectNoInlineScriptOrStyle(html);
  });

  it('shows a new creator twelve empty weeks and months, not an error', async () => {
    const { browser } = await creatorOn('pro');
    const response = await browser.get(`${t.appUrl}/analytics`);
    expect(response.status).to.equal(200);
    expect(response.text).to.contain('Nothing yet: every value is zero.');
    expect(tableValues(section(response.text, 'id="credits-per-month"'))).to.deep.equal(Array(12).fill('0'));
  });
});
