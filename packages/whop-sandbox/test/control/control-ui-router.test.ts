import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';

const VIEWS_DIR = fileURLToPath(new URL('../../src/views/control/', import.meta.url));

/** A browser-like session: keeps the CSRF cookie and reads the form token from a page. */
async function openForm(sandbox: TestSandbox, page: string): Promise<{ cookie: string; token: string; html: string }> {
  const res = await request(sandbox.url).get(page);
  expect(res.status).to.equal(200);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c?.startsWith('whop_sandbox_csrf='));
  if (!cookie) throw new Error('no whop_sandbox_csrf cookie was set');
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error('the page carries no form token');
  return { cookie, token, html: res.text };
}

describe('sandbox control UI', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.close());

  it('renders every page with a strict CSP and only sandbox-prefixed cookies', async () => {
    for (const page of [
      '/sandbox',
      '/sandbox/users',
      '/sandbox/companies',
      '/sandbox/memberships',
      '/sandbox/payments',
      '/sandbox/events',
      '/sandbox/deliveries',
      '/sandbox/mailbox',
    ]) {
      const res = await request(sandbox.url).get(page);
      expect(res.status, page).to.equal(200);
      expect(res.headers['content-type'] ?? '').to.match(/text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.match(/script-src 'self'/);
      expect(csp).to.match(/style-src 'self'/);
      expect(csp).not.to.match(/unsafe-inline/);
      expect(res.text).not.to.match(/<script|style="|onclick=/);
      for (const cookie of ([] as string[]).concat(res.headers['set-cookie'] ?? []))
        expect(cookie).to.match(/^whop_sandbox_/);
    }
    const overview = await request(sandbox.url).get('/sandbox');
    expect(overview.text).to.match(new RegExp(sandbox.options.app.clientId));
    expect(overview.text).to.match(/href="\/sandbox\/static\/sandbox.css"/);
    const css = await request(sandbox.url).get('/sandbox/static/sandbox.css');
    expect(css.status).to.equal(200);
    expect(css.headers['content-type'] ?? '').to.match(/text\/css/);
  });

  it('changes a membership status from the form and redirects back with a notice', async () => {
    const { cookie, token } = await openForm(sandbox, '/sandbox/memberships');
    const res = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token, status: 'expired', back: '/sandbox/memberships' });
    expect(res.status).to.equal(303);
    expect(res.headers.location ?? '').to.match(/^\/sandbox\/memberships\?notice=/);
    expect(sandbox.sandbox.state.getMembership('mem_seedstudent1')?.status).to.equal('expired');

    const page = await request(sandbox.url).get(res.headers.location ?? '');
    expect(page.text).to.match(/mem_seedstudent1 is expired\. Fired membership\.deactivated, membership\.updated\./);
  });

  it('refuses a post without the token, with a forged token, or marked cross-site', async () => {
    const { cookie, token } = await openForm(sandbox, '/sandbox/memberships');
    const noToken = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .set('Cookie', cookie)
      .type('form')
      .send({ status: 'expired' });
    expect(noToken.status).to.equal(403);
    const noCookie = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .type('form')
      .send({ _csrf: token, status: 'expired' });
    expect(noCookie.status).to.equal(403);
    // A page on another port of the host can plant a cookie, but cannot sign it.
    const planted = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .set('Cookie', 'whop_sandbox_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .type('form')
      .send({ _csrf: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', status: 'expired' });
    expect(planted.status).to.equal(403);
    const crossSite = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-site')
      .type('form')
      .send({ _csrf: token, status: 'expired' });
    expect(crossSite.status).to.equal(403);
    // A cookie that does not decode (a stray %) is a refusal like any other, not a failure.
    const undecodable = await request(sandbox.url)
      .post('/sandbox/memberships/mem_seedstudent1/status')
      .set('Cookie', `whop_sandbox_csrf=%E0%A4%A; ${cookie}`)
      .type('form')
      .send({ _csrf: token, status: 'expired' });
    expect(undecodable.status).to.equal(403);
    const page = await request(sandbox.url).get('/sandbox/memberships').set('Cookie', 'whop_sandbox_csrf=%E0%A4%A');
    expect(page.status, 'a page read with that cookie gets a fresh one').to.equal(200);
    expect(sandbox.sandbox.state.getMembership('mem_seedstudent1')?.status).to.equal('active');
  });

  it('shows validation errors of a form back on its page', async () => {
    const { cookie, token } = await openForm(sandbox, '/sandbox/payments');
    const res = await request(sandbox.url)
      .post('/sandbox/payments')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token, user: 'user_student1', product: 'prod_course1', amount: 'lots', outcome: 'succeeded' });
    expect(res.status).to.equal(303);
    expect(res.headers.location ?? '').to.match(/^\/sandbox\/payments\?error=/);
    expect(sandbox.sandbox.state.listPayments().length).to.equal(0);
  });

  it('takes a payment, fires an event and creates a user from forms; user data is escaped', async () => {
    const { cookie, token } = await openForm(sandbox, '/sandbox/users');
    const post = (url: string, body: Record<string, string>) =>
      request(sandbox.url)
        .post(url)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, ...body });

    expect(
      (await post('/sandbox/users', { username: 'mallory', name: '<script>alert(1)</script>', email: '', id: '' }))
        .status,
    ).to.equal(303);
    const users = await request(sandbox.url).get('/sandbox/users');
    expect(users.text).to.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    expect(users.text).not.to.match(/<script>alert/);

    expect(
      (
        await post('/sandbox/payments', {
          user: 'user_student2',
          product: 'prod_course1',
          outcome: 'failed',
          amount: '',
          currency: 'usd',
        })
      ).status,
    ).to.equal(303);
    expect(sandbox.sandbox.state.listPayments()[0]?.substatus).to.equal('failed');

    expect(
      (
        await post('/sandbox/events', {
          type: 'membership.activated',
          user: 'user_admin',
          product: 'prod_enterprise',
          status: '',
          membership_id: '',
          payment_id: '',
        })
      ).status,
    ).to.equal(303);
    expect(sandbox.sandbox.state.findMembership('user_admin', 'prod_enterprise')?.status).to.equal('active');

    const deliveries = await request(sandbox.url).get('/sandbox/deliveries');
    expect(deliveries.text).to.match(/membership\.activated/);
    expect(deliveries.text).to.match(/payment\.failed/);
  });

  it('shows mail, and its HTML only as a sandboxed document', async () => {
    sandbox.sandbox.core.mailbox.add({
      from: 'a@chronos.test',
      to: 'b@example.test',
      subject: 'Receipt',
      text: 'Thanks',
      html: '<p>Thanks</p><script>alert(1)</script>',
    });
    const [mail] = sandbox.sandbox.core.mailbox.list();
    const page = await request(sandbox.url).get('/sandbox/mailbox');
    expect(page.text).to.match(/Receipt/);
    const html = await request(sandbox.url).get(`/sandbox/mailbox/${mail?.id}/html`);
    expect(html.status).to.equal(200);
    expect(String(html.headers['content-security-policy'])).to.match(/^sandbox;/);
  });

  it('writes user data with <%= only: <%- appears only for include()', async () => {
    const files: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith('.ejs')) files.push(full);
      }
    };
    await walk(VIEWS_DIR);
    expect(files.length).to.be.above(5);
    for (const file of files) {
      const raw = (await readFile(file, 'utf8')).match(/<%-[^%]*%>/g) ?? [];
      for (const tag of raw)
        expect(tag, `${path.basename(file)}: ${tag}`).to.match(
          /^<%- include\('[^']+'(, \{[^}]*\})?\) %>$|^<%- include\('pages\/' \+ page\) %>$/,
        );
    }
  });
});
