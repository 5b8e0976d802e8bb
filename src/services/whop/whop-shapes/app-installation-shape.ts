/**
 * Whop's `AppInstallation` (`app_installation.created|deleted` data; docs.whop.com/
 * api-reference/app-installations), as Chronos's own AppInstallation: `id` (`aag_…`),
 * `account {id, title}` (the company that installed the app), `app {id, …}`. Not in
 * `@whop/sdk` 0.0.42's types; built from Whop's published reference only.
 */
import { checkedId, idOf, isObject, ShapeError, text } from './shape-primitives.ts';

export interface AppInstallation {
  id: string;
  companyId: string;
  companyTitle: string | null;
  appId: string | null;
}

export function toAppInstallation(raw: unknown): AppInstallation {
  if (!isObject(raw)) throw new ShapeError('app installation data is not an object');
  const account = isObject(raw.account) ? raw.account : null;
  return {
    id: checkedId(text(raw.id), /^aag_[A-Za-z0-9_]+$/, 'app installation id'),
    companyId: checkedId(idOf(account, raw.account_id, raw.company_id), /^biz_[A-Za-z0-9_]+$/, 'installation account'),
    companyTitle: text(account?.title),
    appId: idOf(raw.app, raw.app_id),
  };
}
