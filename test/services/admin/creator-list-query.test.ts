import { expect } from 'chai';
import {
  CREATOR_ORDER_BY,
  CREATOR_SORTS,
  orderByClause,
  parseCreatorListQuery,
} from '../../../src/services/admin/creator-list-query.ts';

describe('creator list query', () => {
  it('defaults to the newest creators first, page 1', () => {
    expect(parseCreatorListQuery({})).to.deep.equal({ sort: 'created', dir: 'desc', page: 1 });
  });

  it('accepts every whitelisted column in both directions', () => {
    for (const sort of CREATOR_SORTS) {
      expect(parseCreatorListQuery({ sort, dir: 'asc' })).to.deep.include({ sort, dir: 'asc' });
      expect(parseCreatorListQuery({ sort, dir: 'desc' })).to.deep.include({ sort, dir: 'desc' });
    }
  });

  it('starts names A to Z and numbers biggest first when no direction is given', () => {
    expect(parseCreatorListQuery({ sort: 'company' }).dir).to.equal('asc');
    expect(parseCreatorListQuery({ sort: 'owner' }).dir).to.equal('asc');
    expect(parseCreatorListQuery({ sort: 'videos' }).dir).to.equal('desc');
    expect(parseCreatorListQuery({ sort: 'tier' }).dir).to.equal('desc');
  });

  it('falls back to the default for unknown columns, directions and pages', () => {
    for (const sort of ['id; DROP TABLE creators', 'created_at', 'COMPANY', ['company', 'tier'], { a: 1 }, '']) {
      expect(parseCreatorListQuery({ sort }).sort).to.equal('created');
    }
    expect(parseCreatorListQuery({ sort: 'videos', dir: 'sideways' }).dir).to.equal('desc');
    expect(parseCreatorListQuery({ sort: 'videos', dir: 'asc; DELETE' }).dir).to.equal('desc');
    for (const page of ['0', '-1', '1.5', 'abc', '2e3', ['2', '3'], '99999999'])
      expect(parseCreatorListQuery({ page }).page).to.equal(1);
    expect(parseCreatorListQuery({ page: '3' }).page).to.equal(3);
  });

  it('orders by fixed SQL only, with the id breaking ties', () => {
    expect(orderByClause({ sort: 'videos', dir: 'asc' })).to.equal('videos ASC NULLS LAST, id ASC');
    expect(orderByClause({ sort: 'company', dir: 'desc' })).to.equal(
      `${CREATOR_ORDER_BY.company} DESC NULLS LAST, id ASC`,
    );
    // Even a value that slipped past the parser cannot reach the SQL.
    expect(orderByClause({ sort: 'evil' as never, dir: 'x' as never })).to.equal(
      `${CREATOR_ORDER_BY.created} DESC NULLS LAST, id ASC`,
    );
  });
});
