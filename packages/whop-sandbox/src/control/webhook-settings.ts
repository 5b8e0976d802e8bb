/** Changes the payload version, scheme, names or state of one registered webhook, or of all (`all`). */
import type { SandboxCore } from '../sandbox-core.ts';
import { NotFoundError } from '../sandbox-errors.ts';
import type { WebhookRecord } from '../state/sandbox-records.ts';

export interface WebhookSettings {
  /** undefined: unchanged; null: unpinned; a date: pinned to it. */
  apiVersionDate?: string | null | undefined;
  apiVersion?: 'v1' | 'v5' | undefined;
  eventNames?: 'dotted' | 'underscore' | undefined;
  enabled?: boolean | undefined;
}

export function applyWebhookSettings(core: SandboxCore, id: string, settings: WebhookSettings): WebhookRecord[] {
  const ids = id === 'all' ? core.state.listWebhooks().map((w) => w.id) : [id];
  if (id !== 'all' && !core.state.getWebhook(id))
    throw new NotFoundError(`Webhook ${id} was not found; see GET /sandbox/api/webhooks.`);
  const patch: Partial<WebhookRecord> = {};
  if (settings.apiVersionDate !== undefined) patch.api_version_date = settings.apiVersionDate;
  if (settings.apiVersion !== undefined) patch.api_version = settings.apiVersion;
  if (settings.eventNames !== undefined) patch.event_names = settings.eventNames;
  if (settings.enabled !== undefined) patch.enabled = settings.enabled;
  return ids.map((hookId) => core.state.updateWebhook(hookId, patch));
}
