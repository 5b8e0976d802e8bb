/**
 * The sandbox's services, wired once (no HTTP here): state, webhook delivery, the
 * membership/payment/trigger rules and the dev mailbox. The HTTP surfaces use it.
 */
import type { SandboxOptions } from './sandbox-contracts.ts';
import type { SerializerContext } from './serializers/catalog-serializer.ts';
import { BillingService } from './services/billing-service.ts';
import { ExperienceService } from './services/experience-service.ts';
import { InstallationService } from './services/installation-service.ts';
import { EventTriggerService } from './services/event-trigger-service.ts';
import { MembershipService } from './services/membership-service.ts';
import { PaymentService } from './services/payment-service.ts';
import { MailboxStore } from './state/mailbox-store.ts';
import { CheckoutConfigurationStore } from './state/checkout-configuration-store.ts';
import { SandboxState } from './state/sandbox-state.ts';
import { createSeedData } from './state/seed.ts';
import { loadSavedState, saveStateOnChange } from './state/state-persistence.ts';
import type { StateSaver } from './state/state-persistence.ts';
import { WebhookDeliveryService } from './webhooks/webhook-delivery-service.ts';
import { CapturingPublisher } from './webhooks/webhook-event.ts';
import { renderWebhook } from './webhooks/webhook-renderer.ts';

/** Calls of `/api/v1` that answer 429 before anything else (set from the control API, UI or CLI). */
export interface ForcedRateLimit {
  /** How many more calls get a 429. */
  remaining: number;
  /** The N in Whop's "Try again in N seconds." */
  retryInSeconds: number;
}

export type TokenEndpointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_post',
  'client_secret_basic',
  'none',
];

/** Settings of the registered app that the control surfaces can change while the sandbox runs. */
export interface AppSettings {
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

export interface SandboxCore {
  options: SandboxOptions;
  state: SandboxState;
  ctx: SerializerContext;
  deliveries: WebhookDeliveryService;
  events: CapturingPublisher;
  memberships: MembershipService;
  payments: PaymentService;
  billing: BillingService;
  installations: InstallationService;
  /** The experience each installation created (`exp_…`). */
  experiences: ExperienceService;
  triggers: EventTriggerService;
  /** 429s to answer on the next `/api/v1` calls (not saved; cleared by reset). */
  rateLimit: ForcedRateLimit;
  settings: AppSettings;
  /** Called with the id of a deleted user (the OIDC provider revokes their tokens). */
  onUserDeleted: Set<(userId: string) => void>;
  mailbox: MailboxStore;
  /** Checkout configurations made through the API (in memory; cleared by reset). */
  checkoutConfigurations: CheckoutConfigurationStore;
  /** Back to the seed: state, deliveries (pending retries cancelled) and mailbox. */
  reset(): void;
  close(): Promise<void>;
}

export async function createSandboxCore(options: SandboxOptions): Promise<SandboxCore> {
  const logger = options.logger.child({ component: 'sandbox' });
  const seed = () => createSeedData(new Date(), options.app.companyId);
  const saved = options.dataDir ? await loadSavedState(options.dataDir, logger, options.app.companyId) : undefined;
  const state = new SandboxState(saved ?? seed());
  const saver: StateSaver | undefined = options.dataDir ? saveStateOnChange(state, options.dataDir, logger) : undefined;

  const ctx: SerializerContext = { state, origin: options.origin };
  const deliveries = new WebhookDeliveryService({
    state,
    render: (webhook, event) => renderWebhook(ctx, webhook, event),
    url: options.app.webhookUrl,
    secret: options.app.webhookSecret,
    retryDelaysMs: options.webhookRetryDelaysMs,
    enabled: options.deliverWebhooks,
    logger,
  });
  const events = new CapturingPublisher(deliveries);
  const memberships = new MembershipService(ctx, events);
  const payments = new PaymentService(ctx, events, memberships);
  const billing = new BillingService(ctx, events, payments, memberships);
  const triggers = new EventTriggerService(ctx, events, memberships, payments, billing);
  const installations = new InstallationService(state, options.app, events);
  const mailbox = new MailboxStore();
  const checkoutConfigurations = new CheckoutConfigurationStore();
  const rateLimit: ForcedRateLimit = { remaining: 0, retryInSeconds: 12 };
  const initialSettings = (): AppSettings => ({
    tokenEndpointAuthMethod: options.app.tokenEndpointAuthMethod ?? 'client_secret_post',
  });
  const settings = initialSettings();

  return {
    options,
    state,
    ctx,
    deliveries,
    events,
    memberships,
    payments,
    billing,
    installations,
    experiences: new ExperienceService(state),
    triggers,
    mailbox,
    checkoutConfigurations,
    rateLimit,
    settings,
    onUserDeleted: new Set(),
    reset() {
      state.replaceAll(seed());
      deliveries.clear();
      mailbox.clear();
      checkoutConfigurations.clear();
      rateLimit.remaining = 0;
      rateLimit.retryInSeconds = 12;
      Object.assign(settings, initialSettings());
    },
    async close() {
      await deliveries.close();
      await saver?.close();
    },
  };
}
