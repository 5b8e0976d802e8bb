import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestSandbox } from '../support/sandbox-fixture.ts';
import { installOnCreatorOne } from '../support/installations.ts';

describe('sandbox state persistence', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'whop-sandbox-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('saves changes to <dataDir>/sandbox-state.json and loads them on the next start', async () => {
    const first = await startTestSandbox({ dataDir });
    const created = await request(first.url).post('/sandbox/api/users').send({ username: 'persisted' });
    await request(first.url).post('/sandbox/api/memberships/mem_seedstudent2/status').send({ status: 'canceled' });
    await first.close();

    const saved = JSON.parse(await readFile(path.join(dataDir, 'sandbox-state.json'), 'utf8')) as { version: number };
    expect(saved.version).to.equal(1);

    const second = await startTestSandbox({ dataDir });
    try {
      expect(second.sandbox.state.getUser(created.body.user.id)?.username).to.equal('persisted');
      expect(second.sandbox.state.getMembership('mem_seedstudent2')?.status).to.equal('canceled');
    } finally {
      await second.close();
    }
  });

  it('keeps installations, webhook versions and exact amounts, and upgrades a file written before them', async () => {
    const first = await startTestSandbox({ dataDir });
    // Both directions away from the seed (installed on biz_creator2 only), so the file must hold them.
    await installOnCreatorOne(first);
    await request(first.url).post('/sandbox/api/installations/biz_creator2/uninstall').send({}).expect(200);
    await request(first.url).post('/sandbox/api/webhooks/hook_app').send({ api_version_date: '2026-11-17' });
    await request(first.url)
      .post('/sandbox/api/payments')
      .send({ user: 'user_student2', product: 'prod_course2', amount: '0.00012345', currency: 'btc' });
    await first.close();
    const second = await startTestSandbox({ dataDir });
    try {
      expect(second.sandbox.state.isInstalled('biz_creator1')).to.equal(true);
      expect(second.sandbox.state.isInstalled('biz_creator2')).to.equal(false);
      expect(second.sandbox.state.getWebhook('hook_app')?.api_version_date).to.equal('2026-11-17');
      expect(second.sandbox.state.listPayments().map((p) => p.amount)).to.deep.equal(['0.00012345']);
    } finally {
      await second.close();
    }

    const file = path.join(dataDir, 'sandbox-state.json');
    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; data: Record<string, unknown[]> };
    const old = { ...saved.data };
    for (const key of ['installations', 'webhooks', 'refunds', 'disputes', 'invoices']) delete old[key];
    old.payments = [
      {
        ...(saved.data.payments?.[0] as Record<string, unknown>),
        amount: undefined,
        currency: 'usd',
        amount_cents: 2999,
      },
    ];
    await writeFile(file, JSON.stringify({ version: 1, data: old }));
    const third = await startTestSandbox({ dataDir });
    try {
      expect(third.sandbox.state.listInstallations().map((i) => i.company_id)).to.have.members(['biz_creator2']);
      expect(third.sandbox.state.listWebhooks().map((w) => w.id)).to.deep.equal(['hook_company', 'hook_app']);
      expect(third.sandbox.state.listPayments().map((p) => p.amount)).to.deep.equal(['29.99']);
    } finally {
      await third.close();
    }
  });

  it('starts from the seed when the saved file is unreadable', async () => {
    await writeFile(path.join(dataDir, 'sandbox-state.json'), '{"version": 99}');
    const sandbox = await startTestSandbox({ dataDir });
    try {
      expect(sandbox.sandbox.state.listUsers().length).to.equal(5);
    } finally {
      await sandbox.close();
    }
  });

  it('keeps everything in memory without a dataDir', async () => {
    const sandbox = await startTestSandbox();
    try {
      expect(sandbox.options.dataDir).to.equal(undefined);
      expect(sandbox.sandbox.state.listMemberships().length).to.equal(3);
    } finally {
      await sandbox.close();
    }
  });
});
