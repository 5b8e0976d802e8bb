/**
 * Chronos's Whop REST module, over the official `@whop/sdk` (typed resources, cursor
 * pagination, timeouts, and retries with backoff on 429/5xx that honour `Retry-After`).
 * Every call is logged (operation, duration, outcome; never a credential) and reported to
 * `onCall` (the metrics), and failures become typed errors.
 */
import Whop, { APIError, APIConnectionError } from '@whop/sdk';
import type { Logger } from 'pino';
import { WhopApiError, WhopAuthError, WhopMembershipError } from './whop-errors.ts';
import { parseWhopMembership, VALID_MEMBERSHIP_STATUSES, type WhopMembership } from './whop-membership.ts';

export interface WhopApiSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Told of every call's outcome (metrics). */
  onCall?: (operation: string, outcome: 'ok' | 'error') => void;
}

export type AccessLevel = 'admin' | 'customer' | 'no_access';

const PAGE_SIZE = 100;

interface CursorPageLike<T> {
  data: T[];
  page_info: object;
  getNextPage(): Promise<CursorPageLike<T>>;
}

/** Whop's `has_next_page` when it is sent (the SDK's types omit it); otherwise a next cursor means more. */
function hasMore(pageInfo: object): boolean {
  const info = pageInfo as { has_next_page?: unknown; end_cursor?: unknown };
  return typeof info.has_next_page === 'boolean' ? info.has_next_page : Boolean(info.end_cursor);
}

/**
 * Every item of a cursor list. Follows `page_info.has_next_page` rather than the SDK's
 * auto-pagination, which stops only on a missing `end_cursor` and so asks once more for an
 * empty page after the last one.
 */
async function collectPages<T>(first: PromiseLike<CursorPageLike<T>>): Promise<T[]> {
  let page = await first;
  const items = [...page.data];
  while (page.data.length > 0 && hasMore(page.page_info)) {
    page = await page.getNextPage();
    items.push(...page.data);
  }
  return items;
}

export class WhopApiClient {
  private readonly sdk: Whop;

  constructor(private readonly settings: WhopApiSettings, private readonly logger: Logger) {
    this.sdk = WhopApiClient.sdkFor(settings, settings.apiKey);
  }

  private static sdkFor(settings: WhopApiSettings, credential: string): Whop {
    return new Whop({ apiKey: credential, baseURL: settings.baseUrl, timeout: settings.timeoutMs ?? 10_000, maxRetries: settings.maxRetries ?? 2, logLevel: 'off' });
  }

  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await work();
      this.logger.debug({ whop: operation, ms: Date.now() - started }, 'whop api call');
      this.settings.onCall?.(operation, 'ok');
      return result;
    } catch (error) {
      this.settings.onCall?.(operation, 'error');
      const status = error instanceof APIError ? error.status : undefined;
      this.logger.warn({ whop: operation, ms: Date.now() - started, status, err: { name: (error as Error).name } }, 'whop api call failed');
      throw translate(error, operation);
    }
  }

  getUser(id: string) {
    return this.call('users.retrieve', () => this.sdk.users.retrieve(id));
  }

  /** The user behind a user access token (`users/me`). */
  currentUser(userAccessToken: string) {
    const sdk = WhopApiClient.sdkFor(this.settings, userAccessToken);
    return this.call('users.me', () => sdk.users.retrieve('me'));
  }

  async checkAccess(resourceId: string, userId: string): Promise<AccessLevel> {
    const answer = await this.call('users.checkAccess', () => this.sdk.users.checkAccess(resourceId, { id: userId }));
    return answer.access_level;
  }

  getCompany(id: string) {
    return this.call('companies.retrieve', () => this.sdk.companies.retrieve(id));
  }

  listProducts(companyId: string) {
    return this.call('products.list', () => collectPages(this.sdk.products.list({ account_id: companyId, first: PAGE_SIZE })));
  }

  getProduct(id: string) {
    return this.call('products.retrieve', () => this.sdk.products.retrieve(id));
  }

  createProduct(params: Parameters<Whop['products']['create']>[0]) {
    return this.call('products.create', () => this.sdk.products.create(params));
  }

  /** Every membership matching the filter, across all pages. */
  listMemberships(filter: { companyId: string; userIds?: string[]; productIds?: string[]; validOnly?: boolean }): Promise<WhopMembership[]> {
    return this.call('memberships.list', async () => {
      const raw = await collectPages(this.sdk.memberships.list({
        company_id: filter.companyId,
        first: PAGE_SIZE,
        ...(filter.userIds ? { user_ids: filter.userIds } : {}),
        ...(filter.productIds ? { product_ids: filter.productIds } : {}),
        ...(filter.validOnly ? { statuses: [...VALID_MEMBERSHIP_STATUSES] } : {}),
      }));
      return raw.map(parseWhopMembership);
    });
  }

  async getMembership(id: string): Promise<WhopMembership> {
    return parseWhopMembership(await this.call('memberships.retrieve', () => this.sdk.memberships.retrieve(id)));
  }

  /** The membership when it is valid and of `productId`; a WhopMembershipError otherwise. */
  async validateMembership(id: string, productId: string): Promise<WhopMembership> {
    const membership = await this.getMembership(id);
    if (membership.productId !== productId) throw new WhopMembershipError(`membership ${id} is not of product ${productId}`, undefined, 'memberships.validate');
    if (!membership.valid) throw new WhopMembershipError(`membership ${id} is ${membership.status}`, undefined, 'memberships.validate');
    return membership;
  }
}

function translate(error: unknown, operation: string): WhopApiError {
  if (error instanceof WhopApiError) return error;
  if (error instanceof APIError && (error.status === 401 || error.status === 403)) return new WhopAuthError(`Whop refused ${operation} (${error.status})`, error.status, operation);
  if (error instanceof APIError && error.status === 404 && operation.startsWith('memberships')) return new WhopMembershipError(`Whop has no such membership`, 404, operation);
  if (error instanceof APIConnectionError) return new WhopApiError(`Whop is not reachable (${operation})`, undefined, operation);
  if (error instanceof APIError) return new WhopApiError(`Whop answered ${error.status ?? 'an error'} to ${operation}`, error.status, operation);
  return new WhopApiError(`${operation} failed: ${(error as Error).message}`, undefined, operation);
}
