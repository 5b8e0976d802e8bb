/**
 * Deliveries in and out, which the background jobs drain: Whop's webhooks (verified, kept in
 * the inbox, processed by the worker through one handler per kind of event) and Chronos's mail
 * (the outbox's sender and its transport).
 */
import type { BrandingService } from '../branding/branding-service.ts';
import { createWebhookVerifier } from '../whop/webhook-verifier.ts';
import { createWebhookInbox } from '../webhooks/webhook-inbox.ts';
import { createWebhookWorker } from '../webhooks/webhook-worker.ts';
import { createEventProcessor } from '../webhooks/event-processor.ts';
import { createAppInstallationEventHandler } from '../webhooks/app-installation-event-handler.ts';
import { createMailTransport } from '../email/mail-transport.ts';
import { createEmailSender } from '../email/email-sender.ts';
import type { CompositionInputs } from './composition-inputs.ts';
import { buildEventHandlers } from './rule-wiring.ts';
import type { BillingServices } from './billing-services.ts';
import type { InstallationServices } from './installation-services.ts';

export function buildDeliveryServices(
  { infra, overrides, now }: CompositionInputs,
  deps: Pick<BillingServices, 'students' | 'tiers' | 'grace'> &
    Pick<InstallationServices, 'experienceRecords'> & { branding: BrandingService },
) {
  const { config, logger, models, sequelize } = infra;
  const processor = createEventProcessor({
    ...buildEventHandlers({ config, sequelize, models, logger, now }, deps, deps.branding),
    installations: createAppInstallationEventHandler({ experiences: deps.experienceRecords, appId: config.whop.appId }),
  });
  const mailTransport = createMailTransport({
    smtpUrl: config.smtpUrl,
    devMailboxUrl: `${config.sandboxOrigin}/sandbox/api/mailbox`,
    logger,
  });
  return {
    webhookVerifier: createWebhookVerifier({
      secrets: config.whop.webhookSecrets,
      acceptLegacy: config.webhooks.acceptLegacy,
      now,
    }),
    webhookInbox: createWebhookInbox({ sequelize, now: () => new Date(now()) }),
    webhooks: createWebhookWorker({
      sequelize,
      processor,
      logger,
      maxAttempts: config.webhooks.maxAttempts,
      leaseMs: overrides.webhookLeaseMs,
      backoffMs: overrides.webhookBackoffMs,
      now: () => new Date(now()),
      onResult: (type, status) => infra.metrics?.webhookEvents.inc({ type, status }),
    }),
    mailTransport,
    emails: createEmailSender({
      sequelize,
      models,
      transport: mailTransport,
      mailFrom: config.mailFrom,
      appUrl: config.appUrl,
      logger,
      now: () => new Date(now()),
    }),
  };
}
