/**
 * JSON views shared by the control API and UI: the registered app as Whop's dashboard
 * shows it, users with their companies, companies with products and plans, deliveries.
 */
import type { SandboxCore } from '../sandbox-core.ts';
import { serializeCompany, serializePlan, serializeProduct } from '../serializers/catalog-serializer.ts';
import type { UserRecord } from '../state/sandbox-records.ts';
import type { WebhookDelivery } from '../webhooks/webhook-delivery-log.ts';

export function appRegistrationView(core: SandboxCore) {
  const { app, origin } = core.options;
  return {
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: app.redirectUri,
    webhook_url: app.webhookUrl,
    webhook_secret: app.webhookSecret,
    api_key: app.apiKey,
    company_id: app.companyId,
    issuer: origin,
    api_base: `${origin}/api/v1`,
    deliver_webhooks: core.options.deliverWebhooks,
  };
}

export function userView(core: SandboxCore, user: UserRecord) {
  return { ...user, admin_of: core.state.companiesAdministeredBy(user.id).map((c) => c.id) };
}

export function productView(core: SandboxCore, productId: string) {
  const product = core.state.getProduct(productId);
  if (!product) return undefined;
  return { ...serializeProduct(core.ctx, product), plans: core.state.plansOfProduct(product.id).map((p) => serializePlan(core.ctx, p)) };
}

export function companyView(core: SandboxCore, companyId: string) {
  const company = core.state.getCompany(companyId);
  if (!company) return undefined;
  return {
    ...serializeCompany(core.ctx, company),
    admin_user_ids: [...company.admin_user_ids],
    products: core.state
      .listProducts()
      .filter((p) => p.company_id === company.id)
      .map((p) => productView(core, p.id)),
  };
}

export function eventRefs(deliveries: WebhookDelivery[]) {
  return deliveries.map((d) => ({ id: d.eventId, type: d.type, webhook_id: d.id, delivery_status: d.status }));
}

export function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    type: delivery.type,
    company_id: delivery.companyId,
    url: delivery.url,
    status: delivery.status,
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
    next_attempt_at: delivery.nextAttemptAt,
    attempts: delivery.attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      url: a.url,
      status_code: a.statusCode,
      response_time_ms: a.responseTimeMs,
      error: a.error,
      response_body_snippet: a.responseBodySnippet,
    })),
    body: delivery.body,
  };
}
