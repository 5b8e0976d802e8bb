/**
 * Installing the app on a company sends the app's webhook `app_installation.created`, and
 * removing it `app_installation.deleted`, as Whop documents them
 * (docs.whop.com/api-reference/app-installations/app-installation-created): a signed v1
 * envelope whose `data` is the `AppInstallation` (`aag_…`, the account, the app).
 */
import { expect } from 'chai';
import { installOnCreatorOne } from '../support/installations.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';
import { verifyWithStandardWebhooks } from '../support/webhook-listener.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- webhook JSON read field by field

describe('sandbox: app installation webhooks', () => {
  let running: SandboxWithListener;

  beforeEach(async () => {
    running = await startSandboxWithListener();
  });
  afterEach(() => running.close());

  async function received(type: string): Promise<Json> {
    const { sandbox, listener } = running;
    for (let seen = 1; ; seen += 1) {
      const all = await listener.waitFor(seen);
      const envelopes = all.map((w) => verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as Json);
      const match = envelopes.find((e) => e.type === type);
      if (match) return match;
    }
  }

  it('sends app_installation.created with the installation when the app is installed', async () => {
    const { sandbox } = running;
    await installOnCreatorOne(sandbox);
    const envelope = await received('app_installation.created');
    expect(envelope).to.include({ api_version: 'v1' });
    expect(envelope.company_id ?? envelope.account_id).to.equal('biz_creator1');
    expect(envelope.data.id).to.equal('aag_creator1');
    expect(envelope.data.account).to.deep.equal({
      id: 'biz_creator1',
      title: sandbox.sandbox.state.getCompany('biz_creator1')!.title,
    });
    expect(envelope.data.app).to.include({ id: sandbox.options.app.clientId });
    expect(envelope.data.app.company.id).to.equal(sandbox.options.app.companyId);
    expect(envelope.data).to.include({ external_id: null, metadata: null });
    expect(new Date(envelope.data.created_at).toISOString()).to.equal(envelope.data.created_at);
  });

  it('sends app_installation.deleted when the app is removed', async () => {
    const { sandbox } = running;
    await installOnCreatorOne(sandbox);
    const removed = await fetch(`${sandbox.url}/sandbox/api/installations/biz_creator1/uninstall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(removed.status).to.equal(200);
    const envelope = await received('app_installation.deleted');
    expect(envelope.data.account.id).to.equal('biz_creator1');
  });
});
