/**
 * A fresh sandbox whose app webhook posts to a fresh local listener: the setup most sandbox
 * tests share. `close()` stops the sandbox first (cancelling its retries), then the listener.
 */
import { installOnCreatorOne } from './installations.ts';
import { startTestSandbox, type TestSandbox, type TestSandboxOverrides } from './sandbox-fixture.ts';
import { eventually, startWebhookListener, type WebhookListener } from './webhook-listener.ts';

export interface SandboxWithListener {
  sandbox: TestSandbox;
  listener: WebhookListener;
  close(): Promise<void>;
}

export interface SandboxWithListenerSetup {
  /** Statuses the listener answers with, in order (then 200). */
  statuses?: number[];
  /** Sandbox options; the app's webhook URL is the listener's unless given here. */
  overrides?: TestSandboxOverrides;
  /**
   * Installs the app on biz_creator1 first, so its events are delivered. The installation's own
   * `app_installation.created` is let through and then forgotten (listener and delivery log), so
   * tests see only the events they cause.
   */
  installOnCreatorOne?: boolean;
}

/** Waits until every delivery so far is settled (delivered, not sent or given up), then forgets them all. */
async function forgetDeliveries(sandbox: TestSandbox, listener: WebhookListener): Promise<void> {
  const { deliveries } = sandbox.sandbox.core;
  const settled = () => deliveries.log.list().every((d) => d.status !== 'pending' && d.status !== 'retrying');
  await eventually(settled);
  deliveries.clear();
  listener.received.splice(0);
}

export async function startSandboxWithListener(setup: SandboxWithListenerSetup = {}): Promise<SandboxWithListener> {
  const listener = await startWebhookListener(setup.statuses);
  const { app, ...rest } = setup.overrides ?? {};
  let sandbox: TestSandbox;
  try {
    sandbox = await startTestSandbox({ ...rest, app: { webhookUrl: listener.url, ...app } });
    if (setup.installOnCreatorOne) {
      await installOnCreatorOne(sandbox);
      await forgetDeliveries(sandbox, listener);
    }
  } catch (error) {
    await listener.close();
    throw error;
  }
  return {
    sandbox,
    listener,
    async close() {
      await sandbox.close();
      await listener.close();
    },
  };
}
