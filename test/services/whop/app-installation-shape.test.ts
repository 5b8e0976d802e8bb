/**
 * Whop's `AppInstallation` (the data of `app_installation.created`, as docs.whop.com publishes
 * it) read at the translation point: the company that installed the app and the app; data that
 * can never be an installation is a ShapeError (the event fails for good, never retried).
 */
import { expect } from 'chai';
import { ShapeError, toAppInstallation } from '../../../src/services/whop/whop-shapes/index.ts';

const documented = {
  id: 'aag_xxxxxxxxxxxxxx',
  account: { id: 'biz_xxxxxxxxxxxxxx', title: 'Pickaxe' },
  app: { id: 'app_xxxxxxxxxxxxxx', name: 'Chronos', icon: { url: 'https://x/i.png' }, company: { id: 'biz_dev' } },
  created_at: '2026-01-01T12:00:00.000Z',
  external_id: null,
  metadata: null,
};

describe('Whop AppInstallation → Chronos', () => {
  it('reads the installing company, its title and the app', () => {
    expect(toAppInstallation(documented)).to.deep.equal({
      id: 'aag_xxxxxxxxxxxxxx',
      companyId: 'biz_xxxxxxxxxxxxxx',
      companyTitle: 'Pickaxe',
      appId: 'app_xxxxxxxxxxxxxx',
    });
  });

  it('refuses data without an installation id or an account company', () => {
    for (const bad of [
      null,
      [],
      { ...documented, id: 'mem_1' },
      { ...documented, account: null },
      { ...documented, account: { id: 'user_1' } },
    ]) {
      expect(() => toAppInstallation(bad), JSON.stringify(bad)).to.throw(ShapeError);
    }
  });
});
