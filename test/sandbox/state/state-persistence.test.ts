import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestSandbox } from '../../support/sandbox-fixture.ts';

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
