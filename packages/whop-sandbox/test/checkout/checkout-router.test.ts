import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';

const VIEWS_DIR = fileURLToPath(new URL('../../src/views/checkout/', import.meta.url));

interface Envelope {
  id: string;
  type: string;
  company_id: string;
  data: { id: string; status?: string; substatus?: string; user?: { id: string }; product?: { id: string } };
}

interface MembershipJson {
  id: string;
  status: string;
  product: { id: string };
  company: { id: string };
  user: { id: string };
}

/** A browser on the checkout page: keeps the CSRF cookie and reads the form token. */
async function openCheckout(
  sandbox: TestSandbox,
  page: string,
): Promise<{ cookie: string; token: string; html: string }> {
  const res = await request(sandbox.url).get(page);
  expect(res.status).to.equal(200);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c?.startsWith('whop_sandbox_csrf='));
  if (!cookie) throw new Error('no whop_sandbox_csrf cookie was set');
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error('the page carries no form token');
  return { cookie, token, html: res.text };
}

async function membershipsOf(
  sandbox: TestSandbox,
  userId: string,
  companyId = 'biz_chronos',
): Promise<MembershipJson[]> {
  const res = await request(sandbox.url)
    .get(`/api/v1/memberships?company_id=${companyId}&user_ids[]=${userId}`)
    .set('Authorization', `Bearer ${sandbox.options.app.apiKey}`);
  expect(res.status).to.equal(200);
  return (res.body as { data: MembershipJson[] }).data;
}

describe('sandbox checkout pages', () => {
  describe('without webhook deliveries', () => {
    let sandbox: TestSandbox;

    beforeEach(async () => {
      sandbox = await startTestSandbox();
    });
    afterEach(() => sandbox.close());

    it('shows a product with its company, plan price and period, and preselects ?user', async () => {
      const res = await request(sandbox.url).get('/sandbox/checkout/prod_pro?user=user_creator_free');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type'] ?? '').to.match(/text\/html/);
      expect(res.text).to.match(/Chronos Pro/);
      expect(res.text).to.match(/Sold by Chronos <code>biz_chronos<\/code>/);
      expect(res.text).to.match(/<strong>49\.00 USD<\/strong> every 30 days/);
      expect(res.text).to.match(/<option value="user_creator_free" selected>/);
      expect(res.text.match(/ selected>/g)).to.have.length(1);
      expect(res.text).to.match(/<form method="post" action="\/sandbox\/checkout\/prod_pro"/);
      expect(res.text).to.match(/<button type="submit" name="outcome" value="succeeded"[^>]*>Pay<\/button>/);
      expect(res.text).to.match(
        /<button type="submit" name="outcome" value="failed"[^>]*>Pay with a declined card<\/button>/,
      );
      // The control UI's layout and stylesheet, under a strict CSP with no inline code.
      expect(res.text).to.match(/href="\/sandbox\/static\/sandbox.css"/);
      expect(res.text).to.match(/class="sandbox-nav"/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.match(/script-src 'self'/);
      expect(csp).not.to.match(/unsafe-inline/);
      expect(res.text).not.to.match(/<script|style="|onclick=/);
      for (const cookie of ([] as string[]).concat(res.headers['set-cookie'] ?? []))
        expect(cookie).to.match(/^whop_sandbox_/);
    });

    it('asks who pays when ?user is absent or unknown', async () => {
      const plain = await request(sandbox.url).get('/sandbox/checkout/prod_basic');
      expect(plain.status).to.equal(200);
      expect(plain.text).to.match(/<option value="" selected>Choose a user/);
      expect(plain.text).to.match(/<strong>19\.00 USD<\/strong>/);
      const unknown = await request(sandbox.url).get('/sandbox/checkout/prod_basic?user=user_nobody');
      expect(unknown.status).to.equal(200);
      expect(unknown.text).to.match(/User user_nobody is not in the sandbox/);
      expect(unknown.text).to.match(/<option value="" selected>/);
    });

    it('answers an unknown product with a 404 page', async () => {
      const res = await request(sandbox.url).get('/sandbox/checkout/prod_nope');
      expect(res.status).to.equal(404);
      expect(res.headers['content-type'] ?? '').to.match(/text\/html/);
      expect(res.text).to.match(/Product not found/);
      expect(res.text).not.to.match(/name="_csrf"/);
    });

    it('refuses a post without the form token or marked cross-site, and changes nothing', async () => {
      const { cookie, token } = await openCheckout(sandbox, '/sandbox/checkout/prod_basic');
      const noToken = await request(sandbox.url)
        .post('/sandbox/checkout/prod_basic')
        .set('Cookie', cookie)
        .type('form')
        .send({ user: 'user_creator_free', outcome: 'succeeded' });
      expect(noToken.status).to.equal(403);
      expect(noToken.text).to.match(/Form refused/);
      const noCookie = await request(sandbox.url)
        .post('/sandbox/checkout/prod_basic')
        .type('form')
        .send({ _csrf: token, user: 'user_creator_free', outcome: 'succeeded' });
      expect(noCookie.status).to.equal(403);
      const crossSite = await request(sandbox.url)
        .post('/sandbox/checkout/prod_basic')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'cross-site')
        .type('form')
        .send({ _csrf: token, user: 'user_creator_free', outcome: 'succeeded' });
      expect(crossSite.status).to.equal(403);

      expect(sandbox.sandbox.state.listPayments()).to.have.length(0);
      expect(sandbox.sandbox.state.findMembership('user_creator_free', 'prod_basic')).to.equal(undefined);
      expect(sandbox.sandbox.core.deliveries.log.list()).to.have.length(0);
    });

    it('shows form errors on the page again with 400, keeping the chosen user', async () => {
      const { cookie, token } = await openCheckout(sandbox, '/sandbox/checkout/prod_basic');
      const post = (body: Record<string, string>) =>
        request(sandbox.url)
          .post('/sandbox/checkout/prod_basic')
          .set('Cookie', cookie)
          .type('form')
          .send({ _csrf: token, ...body });

      const noUser = await post({ user: '', outcome: 'succeeded' });
      expect(noUser.status).to.equal(400);
      expect(noUser.text).to.match(/class="sandbox-error" role="alert">Choose who pays\./);
      expect(noUser.text).to.match(/name="_csrf"/);

      const pending = await post({ user: 'user_creator_free', outcome: 'pending' });
      expect(pending.status).to.equal(400);
      expect(pending.text).to.match(/Choose “Pay” or “Pay with a declined card”/);
      expect(pending.text).to.match(/<option value="user_creator_free" selected>/);

      const stranger = await post({ user: 'user_nobody', outcome: 'succeeded' });
      expect(stranger.status).to.equal(400);
      expect(stranger.text).to.match(/User user_nobody is not in the sandbox/);

      expect(sandbox.sandbox.state.listPayments()).to.have.length(0);
    });

    it('links every product of the control UI’s companies page to its checkout', async () => {
      const res = await request(sandbox.url).get('/sandbox/companies');
      expect(res.status).to.equal(200);
      for (const product of sandbox.sandbox.state.listProducts()) {
        expect(res.text).to.include(`<a href="/sandbox/checkout/${product.id}">Checkout</a>`);
      }
    });

    it('writes data with <%= only: <%- appears only for include()', async () => {
      const files: string[] = [];
      const walk = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.name.endsWith('.ejs')) files.push(full);
        }
      };
      await walk(VIEWS_DIR);
      expect(files.length).to.be.at.least(3);
      for (const file of files) {
        const raw = (await readFile(file, 'utf8')).match(/<%-[^%]*%>/g) ?? [];
        for (const tag of raw)
          expect(tag, `${path.basename(file)}: ${tag}`).to.match(
            /^<%- include\('[^']+'(, \{[^}]*\})?\) %>$|^<%- include\('pages\/' \+ page\) %>$/,
          );
      }
    });
  });

  describe('with a webhook endpoint', () => {
    let listener: WebhookListener;
    let sandbox: TestSandbox;
    let running: SandboxWithListener;

    beforeEach(async () => {
      running = await startSandboxWithListener();
      ({ sandbox, listener } = running);
    });
    afterEach(() => running.close());

    /** The webhooks that arrived, verified by `standardwebhooks` keyed with base64(UTF-8 bytes of the ws_ secret); any order. */
    async function verifiedWebhooks(count: number): Promise<Envelope[]> {
      const received = await listener.waitFor(count);
      return received.map((w) => verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as Envelope);
    }

    it('pays for prod_basic as user_creator_free: an active membership, signed webhooks and a link back to the app', async () => {
      const { cookie, token } = await openCheckout(sandbox, '/sandbox/checkout/prod_basic?user=user_creator_free');
      const res = await request(sandbox.url)
        .post('/sandbox/checkout/prod_basic')
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, user: 'user_creator_free', outcome: 'succeeded' });
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/<h1>Payment succeeded<\/h1>/);
      expect(res.text).to.match(/Paid 19\.00 USD for Chronos Basic/);
      expect(res.text).to.match(/<a href="http:\/\/localhost:3000\/dashboard"[^>]*>Back to the app<\/a>/);
      expect(res.text).not.to.match(/<script|style="|onclick=/);

      const memberships = await membershipsOf(sandbox, 'user_creator_free');
      expect(memberships).to.have.length(1);
      const [membership] = memberships;
      expect(membership?.status).to.equal('active');
      expect(membership?.product.id).to.equal('prod_basic');
      expect(membership?.company.id).to.equal('biz_chronos');
      expect(res.text).to.include(
        `<code>${membership?.id}</code> <span class="sandbox-badge sandbox-badge-active">active</span>`,
      );

      const webhooks = await verifiedWebhooks(4);
      expect(webhooks.map((w) => w.type)).to.have.members([
        'payment.created',
        'membership.activated',
        'membership.updated',
        'payment.succeeded',
      ]);
      const activated = webhooks.find((w) => w.type === 'membership.activated');
      expect(activated?.company_id).to.equal('biz_chronos');
      expect(activated?.data.id).to.equal(membership?.id);
      expect(activated?.data.user?.id).to.equal('user_creator_free');
      const succeeded = webhooks.find((w) => w.type === 'payment.succeeded');
      expect(succeeded?.data.substatus).to.equal('succeeded');
      expect(succeeded?.data.product?.id).to.equal('prod_basic');
    });

    it('declines a card: no valid membership, and payment.failed goes out', async () => {
      const { cookie, token } = await openCheckout(sandbox, '/sandbox/checkout/prod_basic?user=user_creator_free');
      const res = await request(sandbox.url)
        .post('/sandbox/checkout/prod_basic')
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, user: 'user_creator_free', outcome: 'failed' });
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/<h1>Payment declined<\/h1>/);
      expect(res.text).to.match(/Your card was declined/);
      expect(res.text).to.match(/has no membership of this product/);
      expect(res.text).to.match(/<a href="http:\/\/localhost:3000\/dashboard"[^>]*>Back to the app<\/a>/);

      const memberships = await membershipsOf(sandbox, 'user_creator_free');
      expect(memberships.filter((m) => ['active', 'trialing', 'canceling'].includes(m.status))).to.have.length(0);

      const webhooks = await verifiedWebhooks(2);
      expect(webhooks.map((w) => w.type)).to.have.members(['payment.created', 'payment.failed']);
      expect(webhooks.find((w) => w.type === 'payment.failed')?.data.substatus).to.equal('failed');
      // Everything the payment fired has arrived: no membership event was published.
      expect(sandbox.sandbox.core.deliveries.log.list().map((d) => d.type)).to.have.members([
        'payment.created',
        'payment.failed',
      ]);
    });
  });
});
