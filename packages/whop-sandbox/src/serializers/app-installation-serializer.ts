/**
 * Whop's `AppInstallation` object, the `data` of its `app_installation.created` and
 * `app_installation.deleted` webhooks (docs.whop.com/api-reference/app-installations): one
 * install of an app on one account. Whop documents `id` (`aag_…`), `account {id, title}`,
 * `app {id, name, icon {url}, company {id, title}}` (the company developing the app),
 * `created_at` (first install), and `external_id` / `metadata` (the app's own values, null
 * until it sets them). Fields the docs name without a confirmed key are left out.
 */
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import type { CompanyRecord, InstallationRecord } from '../state/sandbox-records.ts';
import { EXPERIENCE_NAME } from './experience-serializer.ts';

export function appInstallationIdFor(companyId: string): string {
  return `aag_${companyId.replace(/^biz_/, '')}`;
}

export function serializeAppInstallation(
  installation: InstallationRecord,
  company: CompanyRecord,
  app: SandboxAppRegistration,
  developer: CompanyRecord | undefined,
) {
  return {
    id: appInstallationIdFor(company.id),
    account: { id: company.id, title: company.title },
    app: {
      id: app.clientId,
      name: EXPERIENCE_NAME,
      icon: { url: null },
      company: { id: app.companyId, title: developer?.title ?? app.companyId },
    },
    created_at: installation.installed_at,
    external_id: null,
    metadata: null,
  };
}
