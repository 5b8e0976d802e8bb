/**
 * The API tokens page (`/settings/api`) in a signed-in browser: a Pro creator creates
 * a token (CSRF-checked, shown once in the answer to the POST, never again), sees its name,
 * prefix, scope and last use, and revokes it; bad names change nothing; below Pro the page says
 * why the tokens do not work and offers no form, creating is refused, revoking still works.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

const PAGE = '/settings/api';

describe('the API tokens page (/settings/api)', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  async function creatorOn(tier: Tier): Promise<{ browser: TestBrowser; creatorId: number }> {
    const browser = await t.signIn('user_creator_free');
    const user = (await t.runtime.deps.models.User.findOne({ where: { whopUserId: 'user_creator_free' } }))!;
    // A tier stored just now: the sign-in's background refresh from Whop (where this user is on Free) does not run.
    const creator = await t.runtime.deps.models.Creator.create({
      whopCompanyId: 'biz_creator1',
      companyName: 'Creator One',
      ownerUserId: user.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
    return { browser, creatorId: creator.id };
  }

  async function post(browser: TestBrowser, path: string, form: Record<string, string>) {
    const page = await browser.get(`${t.appUrl}${PAGE}`);
    return browser.post(`${t.appUrl}${path}`, { _csrf: formField(page.text, '_csrf')!, ...form });
  }

  const tokenIn = (html: string) => /value="(chr_[A-Za-z0-9_-]{43})"/.exec(html)?.[1];
  const count = async () =>
    t.runtime.deps.models.Creator.sequelize!.query('SELECT id FROM api_tokens').then(([rows]) => rows.length);

  it('creates a token shown once, which then calls the API; the list shows its prefix, scope and last use', async () => {
    const { browser } = await creatorOn('pro');
    const created = await post(browser, `${PAGE}/tokens`, { name: 'Zapier', scope: 'write' });
    expect(created.status).to.equal(201);
    expect(created.headers.get('cache-control')).to.equal('no-store');
    const token = tokenIn(created.text);
    expect(token, 'the new token on the page').to.be.a('string');
    expect(created.text).to.contain('shown only this once');

    const me = await fetch(`${t.appUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token!}` } });
    expect(me.status).to.equal(200);
    expect(((await me.json()) as { token: { scope: string } }).token.scope).to.equal('write');

    const again = await browser.get(`${t.appUrl}${PAGE}`);
    expect(again.text).not.to.contain(token!);
    expect(again.text).to.contain(`${token!.slice(0, 12)}…`);
    expect(again.text).to.contain('Zapier');
    expect(again.text).to.contain('Read and write');
    expect(again.text).not.to.contain('Last used never');
  });

  it('refuses an empty or too long name and a POST without the CSRF token, creating nothing', async () => {
    const { browser } = await creatorOn('pro');
    for (const name of ['', '   ', 'x'.repeat(61)]) {
      const refused = await post(browser, `${PAGE}/tokens`, { name, scope: 'read' });
      expect(refused.status, name).to.equal(400);
      expect(refused.text).to.contain('aria-invalid="true"');
      expect(tokenIn(refused.text)).to.equal(undefined);
    }
    const forged = await browser.post(`${t.appUrl}${PAGE}/tokens`, { name: 'Forged', scope: 'read' });
    expect(forged.status).to.equal(403);
    expect(await count()).to.equal(0);
  });

  it('revokes a token: the API refuses it as revoked and the page no longer lists it', async () => {
    const { browser, creatorId } = await creatorOn('pro');
    const token = tokenIn((await post(browser, `${PAGE}/tokens`, { name: 'Old script', scope: 'read' })).text)!;
    const { id } = (await t.runtime.deps.services.apiTokens.list(creatorId))[0]!;
    const revoked = await post(browser, `${PAGE}/tokens/${id}/revoke`, {});
    expect(revoked.status).to.equal(303);
    const page = await browser.get(`${t.appUrl}${PAGE}`);
    expect(page.text).to.contain('Revoked “Old script”');
    expect(page.text).not.to.contain(token.slice(0, 12));
    const me = await fetch(`${t.appUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { error: string }).error).to.equal('revoked_token');
    expect((await post(browser, `${PAGE}/tokens/${id}/revoke`, {})).status).to.equal(404);
  });

  it('does not revoke another creator’s token', async () => {
    const { browser } = await creatorOn('pro');
    const other = await makeFactories(t.runtime.deps.models).creator({ tier: 'pro' });
    const { token, record } = await t.runtime.deps.services.apiTokens.create(other.id, {
      name: 'Theirs',
      scope: 'read',
    });
    expect((await post(browser, `${PAGE}/tokens/${record.id}/revoke`, {})).status).to.equal(404);
    const me = await fetch(`${t.appUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).to.equal(200);
  });

  it('below Pro: says the tokens need Pro and are kept, offers no form, refuses creating, still revokes', async () => {
    const { browser, creatorId } = await creatorOn('basic');
    const { record } = await t.runtime.deps.services.apiTokens.create(creatorId, { name: 'Kept', scope: 'read' });
    const page = await browser.get(`${t.appUrl}${PAGE}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('API access needs the Pro plan; you are on Basic.');
    expect(page.text).to.contain('Kept');
    expect(page.text).not.to.contain('Create token');
    const refused = await post(browser, `${PAGE}/tokens`, { name: 'New', scope: 'read' });
    expect(refused.status).to.equal(403);
    expect(await count()).to.equal(1);
    expect((await post(browser, `${PAGE}/tokens/${record.id}/revoke`, {})).status).to.equal(303);
    expect(await t.runtime.deps.services.apiTokens.list(creatorId)).to.deep.equal([]);
  });

  it('is for creators only: a visitor goes to the login page, a member gets 403', async () => {
    const visitor = await fetch(`${t.appUrl}${PAGE}`, { redirect: 'manual' });
    expect(visitor.status).to.equal(302);
    expect(visitor.headers.get('location')).to.match(/^\/login\?returnTo=/);
    const member = await t.signIn('user_student1');
    const page = await member.get(`${t.appUrl}${PAGE}`);
    expect(page.status).to.equal(403);
    // The page says what to do and links the set-up page.
    expect(page.text).to.contain('<h1>Set up Chronos first</h1>');
    expect(page.text).to.match(/<a class="button" href="\/dashboard">Set up Chronos<\/a>/);
  });
});
