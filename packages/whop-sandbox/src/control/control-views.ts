/**
 * JSON views shared by the control API and UI: the registered app as Whop's dashboard
 * shows it, users with their companies, companies with products and plans, deliveries.
 */
import type { SandboxCore } from '../sandbox-core.ts';
import { serializeCompany, serializePlan, serializeProduct } from '../serializers/catalog-serializer.ts';
import type { UserRecord, WebhookRecord } from '../state/sandbox-records.ts';
import { payloadShape } from '../webhooks/payload-version.ts';
import type { WebhookDelivery } from '../webhooks/webhook-delivery-log.ts';

export function appRegistrationView(core: SandboxCore) {
  const { app, origin } = core.options;
  return {
    /** Whop: the app id is the OAuth client id (`app_…`); the install link is /sandbox/apps/<app_id>/install. */
    app_id: app.clientId,
    install_url: `${origin}/sandbox/apps/${encodeURIComponent(app.clientId)}/install`,
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
    token_endpoint_auth_method: core.settings.tokenEndpointAuthMethod,
    installed_company_ids: core.state.listInstallations().map((i) => i.company_id),
    webhooks: core.state.listWebhooks().map((w) => webhookView(core, w)),
    rate_limit: {
      forced_calls_remaining: core.rateLimit.remaining,
      retry_in_seconds: core.rateLimit.retryInSeconds,
      per_minute: core.options.apiRateLimitPerMinute,
    },
  };
}

export function webhookView(core: SandboxCore, webhook: WebhookRecord) {
  return {
    id: webhook.id,
    kind: webhook.kind,
    resource_id: webhook.resource_id,
    url: webhook.url ?? core.options.app.webhookUrl,
    api_version: webhook.api_version,
    api_version_date: webhook.api_version_date,
    /** What the version means for `data`: `legacy` (nested, `company_id`) or `native` (flat, `account_id`). */
    payload_shape: webhook.api_version === 'v5' ? 'v5' : payloadShape(webhook.api_version_date),
    event_names: webhook.event_names,
    enabled: webhook.enabled,
  };
}

export function installationsView(core: SandboxCore) {
  return core.installations.list().map((row) => ({
    company_id: row.company.id,
    title: row.company.title,
    installed: row.installed,
    installed_by: row.installed_by,
    installed_at: row.installed_at,
  }));
}

export function userView(core: SandboxCore, user: UserRecord) {
  return { ...user, admin_of: core.state.companiesAdministeredBy(user.id).map((c) => c.id) };
}

export function productView(core: SandboxCore, productId: string) {
  const product = core.state.getProduct(productId);
  if (!product) return undefined;
  return {
    ...serializeProduct(core.ctx, product),
    plans: core.state.plansOfProduct(product.id).map((p) => serializePlan(core.ctx, p)),
  };
}

export function companyView(core: SandboxCore, companyId: string) {
  const company = core.state.getCompany(companyId);
  if (!company) return undefined;
  return {
    ...serializeCompany(core.ctx, company),
    admin_user_ids: [...company.admin_user_ids],
    /** null for the app's own company (always reachable). */
    app_installed: company.id === core.options.app.companyId ? null : core.state.isInstalled(company.id),
    products: core.state
      .listProducts()
      .filter((p) => p.company_id === company.id)
      .map((p) => productView(core, p.id)),
  };
}

export function eventRefs(deliveries: WebhookDelivery[]) {
  return deliveries.map((d) => ({
    id: d.eventId,
    type: d.type,
    event_type: d.eventType,
    webhook_id: d.id,
    webhook: d.webhookId,
    delivery_status: d.status,
  }));
}

export function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    type: delivery.type,
    event_type: delivery.eventType,
    company_id: delivery.companyId,
    webhook: delivery.webhookId,
    scheme: delivery.scheme,
    api_version_date: delivery.apiVersionDate,
    url: delivery.url,
    status: delivery.status,
    skip_reason: delivery.skipReason,
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
