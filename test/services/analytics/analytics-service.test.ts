import { expect } from 'chai';
import { createAnalyticsService, type AnalyticsService } from '../../../src/services/analytics/analytics-service.ts';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { overviewFixtures, type OverviewFixtures } from '../admin/overview-fixtures.ts';

const MB = 1024 ** 2;
/** A Wednesday; its week (UTC, from Monday) starts on 16 March. */
const NOW = new Date('2026-03-18T10:00:00Z');
const WEEKS = [
  '2025-12-29',
  '2026-01-05',
  '2026-01-12',
  '2026-01-19',
  '2026-01-26',
  '2026-02-02',
  '2026-02-09',
  '2026-02-16',
  '2026-02-23',
  '2026-03-02',
  '2026-03-09',
  '2026-03-16',
];
const at = (iso: string) => new Date(iso);

describe('analytics service', () => {
  let t: TestApp;
  let service: AnalyticsService;
  let f: OverviewFixtures;

  before(async () => {
    t = await startTestApp();
    service = createAnalyticsService({ sequelize: t.runtime.deps.sequelize, now: () => NOW });
    f = overviewFixtures(t.runtime.deps);
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  it('covers the current UTC week and the 11 before it, each starting on Monday, with zeros where nothing happened', async () => {
    const creator = await f.creator({ tier: 'basic' });
    const { weeks, months, totals } = await service.forCreator(creator.id);
    expect(weeks.map((w) => w.weekStart)).to.deep.equal(WEEKS);
    expect(
      weeks.every((w) => w.videosAdded === 0 && w.bytesAdded === 0 && w.storageBytes === 0 && w.studentsJoined === 0),
    ).to.equal(true);
    expect(months).to.have.length(12);
    expect(months.every((m) => m.aiCredits === 0)).to.equal(true);
    expect(totals).to.deep.equal({ videosAdded: 0, bytesAdded: 0, studentsJoined: 0, aiCredits: 0, storageBytes: 0 });
  });

  it('buckets videos into UTC weeks and adds up storage, counting videos from before the window', async () => {
    const creator = await f.creator({ tier: 'basic' });
    const other = await f.creator({ tier: 'basic' });
    await f.videos(creator.id, [100 * MB], at('2025-12-28T23:59:59Z')); // the last second before the window
    await f.videos(creator.id, [10 * MB], at('2025-12-29T00:00:00Z')); // the window's first Monday, midnight
    await f.videos(creator.id, [5 * MB], at('2026-03-15T23:30:00Z')); // Sunday night UTC (Monday in Paris)
    await f.videos(creator.id, [1 * MB, 2 * MB], at('2026-03-16T00:00:00Z')); // this week's Monday, midnight
    await f.videos(other.id, [500 * MB], at('2026-03-16T12:00:00Z')); // someone else's
    const { weeks, totals } = await service.forCreator(creator.id);
    const byWeek = Object.fromEntries(weeks.map((w) => [w.weekStart, [w.videosAdded, w.bytesAdded, w.storageBytes]]));
    expect(byWeek['2025-12-29']).to.deep.equal([1, 10 * MB, 110 * MB]);
    expect(byWeek['2026-01-05']).to.deep.equal([0, 0, 110 * MB]);
    expect(byWeek['2026-03-09']).to.deep.equal([1, 5 * MB, 115 * MB]);
    expect(byWeek['2026-03-16']).to.deep.equal([2, 3 * MB, 118 * MB]);
    expect(weeks.map((w) => w.videosAdded)).to.deep.equal([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(totals).to.deep.include({ videosAdded: 4, bytesAdded: 18 * MB, storageBytes: 118 * MB });
  });

  it('buckets students by the UTC week they joined, whatever their status now', async () => {
    const creator = await f.creator({ tier: 'basic' });
    await f.students(creator.id, 1, 'active', at('2025-11-01T12:00:00Z')); // before the window
    await f.students(creator.id, 2, 'active', at('2026-01-11T23:59:59Z')); // Sunday: week of 5 January
    await f.students(creator.id, 1, 'inactive', at('2026-01-12T00:00:00Z')); // Monday: week of 12 January
    await f.students(creator.id, 1, 'over_limit', at('2026-03-18T09:00:00Z'));
    const { weeks, totals } = await service.forCreator(creator.id);
    expect(weeks.map((w) => w.studentsJoined)).to.deep.equal([0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(totals.studentsJoined).to.equal(4);
  });

  it('lists AI credits for the current UTC month and the 11 before it, missing months as 0', async () => {
    const creator = await f.creator({ tier: 'basic' });
    const other = await f.creator({ tier: 'basic' });
    await f.credits(creator.id, '2025-03-01', 999); // 12 months ago: outside
    await f.credits(creator.id, '2025-04-01', 7);
    await f.credits(creator.id, '2026-01-01', 40);
    await f.credits(creator.id, '2026-03-01', 300);
    await f.credits(other.id, '2026-02-01', 555);
    const { months, totals } = await service.forCreator(creator.id);
    expect(months).to.deep.equal([
      { month: '2025-04-01', aiCredits: 7 },
      { month: '2025-05-01', aiCredits: 0 },
      { month: '2025-06-01', aiCredits: 0 },
      { month: '2025-07-01', aiCredits: 0 },
      { month: '2025-08-01', aiCredits: 0 },
      { month: '2025-09-01', aiCredits: 0 },
      { month: '2025-10-01', aiCredits: 0 },
      { month: '2025-11-01', aiCredits: 0 },
      { month: '2025-12-01', aiCredits: 0 },
      { month: '2026-01-01', aiCredits: 40 },
      { month: '2026-02-01', aiCredits: 0 },
      { month: '2026-03-01', aiCredits: 300 },
    ]);
    expect(totals.aiCredits).to.equal(347);
  });

  it('takes the month and week from UTC at the turn of a month', async () => {
    const creator = await f.creator({ tier: 'basic' });
    // 23:30 UTC on 31 March: already April east of Greenwich, still March in UTC.
    const late = createAnalyticsService({ sequelize: t.runtime.deps.sequelize, now: () => at('2026-03-31T23:30:00Z') });
    const { weeks, months } = await late.forCreator(creator.id);
    expect(months.at(-1)!.month).to.equal('2026-03-01');
    expect(weeks.at(-1)!.weekStart).to.equal('2026-03-30');
  });
});
