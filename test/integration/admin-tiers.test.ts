import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { overviewFixtures, type OverviewFixtures } from '../services/admin/overview-fixtures.ts';
import { CREATOR_SORTS, CREATORS_PER_PAGE, type CreatorSort } from '../../src/services/admin/creator-list-query.ts';
import { monthOf } from '../../src/services/usage/usage-service.ts';
import { TIERS, TIER_TABLE, tierRank, type Tier } from '../../src/domain/tier-table.ts';

const MB = 1024 ** 2;

/** The HTML of the element that starts at `marker` (a unique attribute) up to its closing tag. */
function section(html: string, marker: string, closing = '</section>'): string {
  const start = html.indexOf(marker);
  expect(start, `no ${marker} on the page`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf(closing, start));
}

/** The text of each `<td class="admin-num">` of the row marked `data-tier="…"`. */
function tierRow(html: string, tier: Tier): string[] {
  const row = section(section(html, 'id="per-tier"', '</table>'), `data-tier="${tier}"`, '</tr>');
  return [...row.matchAll(/<td [^>]*class="admin-num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

/** The company ids of the creators table, top to bottom. */
function creatorOrder(html: string): string[] {
  return [...section(html, 'id="creators"').matchAll(/<tr data-creator="([^"]+)">/g)].map((m) => m[1]!);
}

function expectNoInlineScriptOrStyle(html: string): void {
  expect(html).not.to.match(/<script(?![^>]*\bsrc=)/i);
  expect(html).not.to.match(/\sstyle\s*=/i);
  expect(html).not.to.match(/<style/i);
}

interface SortableCreator {
  id: number;
  whopCompanyId: string;
  name: string;
  owner: string | null;
  tier: Tier;
  videos: number[];
  credits: number;
  active: number;
  overLimit: number;
  createdAt: Date;
}

/** What each column sorts by, as the page's users would expect it; null sorts last both ways. */
const SORT_KEYS: Record<CreatorSort, (c: SortableCreator) => string | number | null> = {
  company: (c) => c.name.toLowerCase(),
  owner: (c) => c.owner?.toLowerCase() ?? null,
  tier: (c) => tierRank(c.tier),
  videos: (c) => c.videos.length,
  storage: (c) => c.videos.reduce((a, b) => a + b, 0),
  ai_credits: (c) => c.credits,
  students: (c) => c.active,
  over_limit: (c) => c.overLimit,
  created: (c) => c.createdAt.getTime(),
};

function expectedOrder(creators: readonly SortableCreator[], sort: CreatorSort, dir: 'asc' | 'desc'): string[] {
  const key = SORT_KEYS[sort];
  return [...creators]
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
      const order = x < y ? -1 : x > y ? 1 : 0;
      return (dir === 'asc' ? order : -order) || a.id - b.id;
    })
    .map((c) => c.whopCompanyId);
}

describe('GET /admin/tiers', () => {
  let t: ChronosWithSandbox;
  let f: OverviewFixtures;
  const page = (browser: TestBrowser, query = '') => browser.get(`${t.appUrl}/admin/tiers${query}`);

  before(async () => {
    t = await startChronosWithSandbox();
    f = overviewFixtures(t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  it('sends signed-out visitors to the login page', async () => {
    const response = await new TestBrowser().get(`${t.appUrl}/admin/tiers`);
    expect(response.status).to.equal(302);
    expect(response.location).to.equal(`${t.appUrl}/login?returnTo=%2Fadmin%2Ftiers`);
  });

  it('refuses a signed-in user who is not an admin with 403', async () => {
    const browser = await t.signIn('user_student1');
    const response = await page(browser);
    expect(response.status).to.equal(403);
    expect(response.text).not.to.contain('Tier overview');
  });

  it('answers /admin with the tier overview for an admin, and as any admin page for anyone else', async () => {
    const admin = await t.signIn('user_admin');
    const front = await admin.get(`${t.appUrl}/admin`);
    expect(front.status).to.equal(302);
    expect(front.location).to.equal(`${t.appUrl}/admin/tiers`);
    expect((await new TestBrowser().get(`${t.appUrl}/admin`)).location).to.equal(`${t.appUrl}/login?returnTo=%2Fadmin`);
    expect((await (await t.signIn('user_student1')).get(`${t.appUrl}/admin`)).status).to.equal(403);
  });

  it('lands an admin without a company of their own on the admin area, with the way to set one up', async () => {
    const browser = await t.signIn('user_admin');
    const landing = await browser.get(`${t.appUrl}/dashboard`);
    expect(landing.status).to.equal(302);
    expect(landing.location).to.equal(`${t.appUrl}/admin/tiers`);
    const overview = await browser.get(landing.location!);
    expect(overview.text).to.contain('<a href="/onboarding">Set up a company of your own</a>');
    expect((await browser.get(`${t.appUrl}/onboarding`)).text).to.contain('Set up Chronos');
  });

  it('shows an admin the tier distribution, students per tier, totals and the creators nearest their limits', async () => {
    const browser = await t.signIn('user_admin');
    const month = monthOf(new Date());
    const acme = await f.creator({ name: 'Acme', tier: 'free' });
    await f.videos(acme.id, [MB, MB]);
    await f.students(acme.id, TIER_TABLE.free.limits.students!, 'active');
    await f.students(acme.id, 2, 'over_limit');
    await f.credits(acme.id, month, 10);
    const bravo = await f.creator({ name: 'Bravo', tier: 'free' });
    await f.videos(bravo.id, [3 * MB]);
    const delta = await f.creator({ name: 'Delta', tier: 'basic' });
    await f.credits(delta.id, month, 900);
    await f.students(delta.id, 3, 'active');
    await f.students(delta.id, 1, 'inactive');
    const golf = await f.creator({ name: 'Golf', tier: 'enterprise' });
    await f.students(golf.id, 5, 'active');
    await f.credits(golf.id, month, 90_000);

    const response = await page(browser);
    expect(response.status).to.equal(200);
    const html = response.text;
    expect(html).to.contain('<h1>Tier overview</h1>');

    // The chart: one labelled bar per tier, an accessible name and a table of the same numbers.
    const svg = section(html, '<svg', '</svg>');
    expect(svg).to.match(/role="img"/);
    expect(svg).to.contain('aria-label="Creators per tier. Free: 2, Basic: 1, Pro: 0, Enterprise: 1."');
    expect(svg).to.contain('<title id="tier-chart-title">Creators per tier</title>');
    expect(svg.match(/<rect class="chart-bar /g)).to.have.length(TIERS.length);
    for (const tier of TIERS) expect(svg).to.contain(`chart-bar-${tier}`);
    for (const name of ['Free', 'Basic', 'Pro', 'Enterprise'])
      expect(svg).to.match(new RegExp(`class="chart-label"[^>]*>${name}</text>`));
    const fallback = section(html, '<details class="chart-table">', '</details>');
    expect(fallback).to.match(/<th scope="row">Free<\/th><td [^>]*class="admin-num"[^>]*>2<\/td>/);
    expect(fallback).to.match(/<th scope="row">Pro<\/th><td [^>]*class="admin-num"[^>]*>0<\/td>/);

    // Per tier: creators, active students, over-limit students.
    expect(tierRow(html, 'free')).to.deep.equal(['2', '10', '2']);
    expect(tierRow(html, 'basic')).to.deep.equal(['1', '3', '0']);
    expect(tierRow(html, 'pro')).to.deep.equal(['0', '0', '0']);
    expect(tierRow(html, 'enterprise')).to.deep.equal(['1', '5', '0']);

    // Summary and usage totals.
    expect(html).to.contain('<dd id="stat-creators">4</dd>');
    expect(html).to.contain('<dd id="stat-paid-creators">2</dd>');
    expect(html).to.contain('<dd id="stat-active-students">18</dd>');
    expect(html).to.contain('<dd id="stat-over-limit-students">2</dd>');
    const usage = section(html, 'id="usage-totals"', '</dl>');
    expect(usage).to.contain('<dt>Videos</dt><dd>3</dd>');
    expect(usage).to.contain('<dt>Storage</dt><dd>5 MB</dd>');
    expect(usage).to.match(/<dt>AI credits in [A-Z][a-z]+ \d{4}<\/dt><dd>90,910<\/dd>/);

    // Nearest limits: Acme at its student limit, Delta at 90 % of its credits, Bravo's 1 of 5 videos; never Golf.
    const nearest = section(html, 'id="nearest-limits"');
    const listed = [...nearest.matchAll(/data-creator="([^"]+)" data-limit="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(listed).to.deep.equal([
      [acme.whopCompanyId, 'students'],
      [delta.whopCompanyId, 'ai_credits'],
      [bravo.whopCompanyId, 'videos'],
    ]);
    expect(nearest).to.contain('100%');
    expect(nearest).to.contain('90%');
    expect(nearest).to.contain('20%');
    expect(nearest).not.to.contain(golf.whopCompanyId);

    // The creators table, newest first by default, with the owner's username.
    expect(creatorOrder(html)).to.have.members([acme, bravo, delta, golf].map((c) => c.whopCompanyId));
    expect(section(html, 'id="creators"')).to.match(
      /<th scope="col" aria-sort="descending" class="admin-num">\s*<a class="sort-link" href="\/admin\/tiers\?sort=created&amp;dir=asc#creators"/,
    );

    // Room for what comes later, and a strict-CSP-friendly page.
    expect(html).to.contain('id="operations"');
    expectNoInlineScriptOrStyle(html);
  });

  describe('sorting the creators table', () => {
    let browser: TestBrowser;
    let creators: SortableCreator[];

    beforeEach(async () => {
      browser = await t.signIn('user_admin');
      const specs: Omit<SortableCreator, 'id' | 'whopCompanyId'>[] = [
        {
          name: 'delta',
          owner: 'Mia',
          tier: 'pro',
          videos: [3 * MB, MB],
          credits: 10,
          active: 1,
          overLimit: 0,
          createdAt: new Date('2026-01-03T00:00:00Z'),
        },
        {
          name: 'Alpha',
          owner: 'zoe',
          tier: 'free',
          videos: [50 * MB],
          credits: 0,
          active: 4,
          overLimit: 2,
          createdAt: new Date('2026-02-01T00:00:00Z'),
        },
        {
          name: 'charlie',
          owner: null,
          tier: 'enterprise',
          videos: [],
          credits: 500,
          active: 0,
          overLimit: 0,
          createdAt: new Date('2025-12-01T00:00:00Z'),
        },
        {
          name: 'Bravo',
          owner: 'adam',
          tier: 'basic',
          videos: [MB, MB, MB],
          credits: 20,
          active: 2,
          overLimit: 1,
          createdAt: new Date('2026-03-01T00:00:00Z'),
        },
        {
          name: 'echo',
          owner: 'Lee',
          tier: 'free',
          videos: [2 * MB],
          credits: 5,
          active: 3,
          overLimit: 0,
          createdAt: new Date('2026-01-20T00:00:00Z'),
        },
      ];
      const month = monthOf(new Date());
      creators = [];
      for (const spec of specs) {
        const creator = await f.creator({
          name: spec.name,
          owner: spec.owner,
          tier: spec.tier,
          createdAt: spec.createdAt,
        });
        await f.videos(creator.id, spec.videos);
        if (spec.credits > 0) await f.credits(creator.id, month, spec.credits);
        await f.students(creator.id, spec.active, 'active');
        await f.students(creator.id, spec.overLimit, 'over_limit');
        creators.push({ ...spec, id: creator.id, whopCompanyId: creator.whopCompanyId });
      }
    });

    it('sorts by every column in both directions, marking the sorted header with aria-sort', async () => {
      for (const sort of CREATOR_SORTS) {
        for (const dir of ['asc', 'desc'] as const) {
          const response = await page(browser, `?sort=${sort}&dir=${dir}`);
          expect(response.status).to.equal(200);
          expect(creatorOrder(response.text), `${sort} ${dir}`).to.deep.equal(expectedOrder(creators, sort, dir));
          const headers = section(response.text, 'id="creators"', '</thead>');
          expect(headers.match(/aria-sort="(ascending|descending)"/g), `${sort} ${dir}`).to.deep.equal([
            `aria-sort="${dir === 'asc' ? 'ascending' : 'descending'}"`,
          ]);
          // The sorted column's link flips the direction.
          expect(headers).to.contain(
            `href="/admin/tiers?sort=${sort}&amp;dir=${dir === 'asc' ? 'desc' : 'asc'}#creators"`,
          );
        }
      }
    });

    it('falls back to the default order (newest first) for an unknown or hostile sort', async () => {
      const byDefault = creatorOrder((await page(browser)).text);
      expect(byDefault).to.deep.equal(expectedOrder(creators, 'created', 'desc'));
      for (const sort of [
        'nope',
        'id',
        encodeURIComponent('created_at; DROP TABLE creators'),
        encodeURIComponent("company' --"),
      ]) {
        const response = await page(browser, `?sort=${sort}&dir=sideways`);
        expect(response.status).to.equal(200);
        expect(creatorOrder(response.text)).to.deep.equal(byDefault);
      }
      expect(await t.runtime.deps.models.Creator.count()).to.equal(creators.length);
    });
  });

  it('pages the creators table 50 at a time, keeping the sort in the page links', async () => {
    const browser = await t.signIn('user_admin');
    const total = CREATORS_PER_PAGE + 5;
    for (let i = 0; i < total; i += 1) await f.creator({ name: `Company ${String(i).padStart(3, '0')}` });

    const first = await page(browser, '?sort=company&dir=asc');
    expect(creatorOrder(first.text)).to.have.length(CREATORS_PER_PAGE);
    expect(first.text).to.contain('Page 1 of 2');
    expect(first.text).to.contain('href="/admin/tiers?sort=company&amp;dir=asc&amp;page=2#creators" rel="next"');
    expect(first.text).not.to.contain('rel="prev"');

    const second = await page(browser, '?sort=company&dir=asc&page=2');
    const rows = creatorOrder(second.text);
    expect(rows).to.have.length(5);
    expect(second.text).to.contain('Page 2 of 2');
    expect(second.text).to.contain('href="/admin/tiers?sort=company&amp;dir=asc#creators" rel="prev"');
    expect(second.text).not.to.contain('rel="next"');
    expect(rows.filter((row) => creatorOrder(first.text).includes(row))).to.deep.equal([]);

    expect(creatorOrder((await page(browser, '?sort=company&dir=asc&page=7')).text)).to.deep.equal(rows);
    expect(creatorOrder((await page(browser, '?sort=company&dir=asc&page=abc')).text)).to.deep.equal(
      creatorOrder(first.text),
    );
  });
});
