/**
 * The sandbox's services, wired once (no HTTP here): state, webhook delivery, the
 * membership/payment/trigger rules and the dev mailbox. The HTTP surfaces use it.
 */
import type { SandboxOptions } from './sandbox-contracts.ts';
import type { SerializerContext } from './serializers/catalog-serializer.ts';
import { EventTriggerService } from './services/event-trigger-service.ts';
import { MembershipService } from './services/membership-service.ts';
import { PaymentService } from './services/payment-service.ts';
import { MailboxStore } from './state/mailbox-store.ts';
import { SandboxState } from './state/sandbox-state.ts';
import { createSeedData } from './state/seed.ts';
import { loadSavedState, saveStateOnChange } from './state/state-persistence.ts';
import type { StateSaver } from './state/state-persistence.ts';
import { WebhookDeliveryService } from './webhooks/webhook-delivery-service.ts';
import { CapturingPublisher } from './webhooks/webhook-event.ts';

export interface SandboxCore {
  options: SandboxOptions;
  state: SandboxState;
  ctx: SerializerContext;
  deliveries: WebhookDeliveryService;
  events: CapturingPublisher;
  memberships: MembershipService;
  payments: PaymentService;
  triggers: EventTriggerService;
  mailbox: MailboxStore;
  /** Back to the seed: state, deliveries (pending retries cancelled) and mailbox. */
  reset(): void;
  close(): Promise<void>;
}

export async function createSandboxCore(options: SandboxOptions): Promise<SandboxCore> {
  const logger = options.logger.child({ component: 'sandbox' });
  const saved = options.dataDir ? await loadSavedState(options.dataDir, logger) : undefined;
  const state = new SandboxState(saved ?? createSeedData());
  const saver: StateSaver | undefined = options.dataDir ? saveStateOnChange(state, options.dataDir, logger) : undefined;

  const ctx: SerializerContext = { state, origin: options.origin };
  const deliveries = new WebhookDeliveryService({
    url: options.app.webhookUrl,
    secret: options.app.webhookSecret,
    retryDelaysMs: options.webhookRetryDelaysMs,
    enabled: options.deliverWebhooks,
    logger,
  });
  const events = new CapturingPublisher(deliveries);
  const memberships = new MembershipService(ctx, events);
  const payments = new PaymentService(ctx, events, memberships);
  const triggers = new EventTriggerService(ctx, events, memberships, payments);
  const mailbox = new MailboxStore();

  return {
    options,
    state,
    ctx,
    deliveries,
    events,
    memberships,
    payments,
    triggers,
    mailbox,
    reset() {
      state.replaceAll(createSeedData());
      deliveries.clear();
      mailbox.clear();
    },
    async close() {
      await deliveries.close();
      await saver?.close();
    },
  };
}
