import { expect } from 'chai';
import type { Request } from 'express';
import { readAheadFor, readAheadRow } from '../../src/middleware/read-ahead.ts';
import { creatorDashboardReadAhead } from '../../src/controllers/dashboard-controller.ts';
import type { CreatorDashboardQuery, DashboardOptions } from '../../src/services/creator-dashboard-query.ts';

const asked: DashboardOptions[] = [];
const dashboard = {
  readAheadColumns: (options: DashboardOptions) => (asked.push(options), { columns: 'dashboard columns', values: [options.page] }),
} as unknown as CreatorDashboardQuery;
const request = (method: string, path: string, query: Record<string, unknown> = {}) => ({ method, path, query }) as unknown as Request;

describe('read-ahead of a page with the signed-in user', () => {
  const readAheads = [creatorDashboardReadAhead('/dashboard', dashboard)];

  it("reads the dashboard's columns ahead for GET /dashboard only, for the page asked for", () => {
    expect(readAheadFor(readAheads, request('GET', '/dashboard', { page: '3' }))).to.deep.equal({ name: 'creator-dashboard', columns: { columns: 'dashboard columns', values: [3] } });
    expect(asked.at(-1)).to.deep.equal({ page: 3, pageSize: 20 });
    for (const [method, path] of [['POST', '/dashboard'], ['GET', '/dashboard/videos'], ['GET', '/analytics'], ['HEAD', '/'], ['GET', '/']]) {
      expect(readAheadFor(readAheads, request(method!, path!)), `${method} ${path}`).to.equal(undefined);
    }
  });

  it('a bad page number reads page 1', () => {
    readAheadFor(readAheads, request('GET', '/dashboard', { page: '1; DROP TABLE users' }));
    expect(asked.at(-1)).to.deep.equal({ page: 1, pageSize: 20 });
  });

  it("gives a page only its own row", () => {
    const req = { readAhead: { name: 'creator-dashboard', row: { videoCount: '1' } } } as unknown as Request;
    expect(readAheadRow(req, 'creator-dashboard')).to.deep.equal({ videoCount: '1' });
    expect(readAheadRow(req, 'another-page')).to.equal(undefined);
    expect(readAheadRow({} as Request, 'creator-dashboard')).to.equal(undefined);
  });
});
