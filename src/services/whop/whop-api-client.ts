/**
 * Chronos's Whop REST module, over the official `@whop/sdk` (typed resources, cursor
 * pagination, timeouts). Every request carries `Api-Version-Date` (`WHOP_API_VERSION_DATE`).
 * Retries are ours, not the SDK's (see whop-retry-policy.ts: Whop's 429 without `Retry-After`),
 * per HTTP request, so a 429 on page 3 of a list does not start the list again, and with an
 * injected sleeper so tests never wait. Every call is logged (operation, duration, outcome;
 * never a credential) and reported to `onCall` (the metrics), and failures become typed errors.
 */
import Whop, { APIError, APIConnectionError } from '@whop/sdk';
import type { Logger } from 'pino';
import { WhopApiError, WhopAuthError, WhopMembershipError, WhopRateLimitError } from './whop-errors.ts';
import { parseWhopMembership, VALID_MEMBERSHIP_STATUSES, type WhopMembership } from './whop-membership.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs, whopRetryHintMs, type WhopRetryPolicy } from './whop-retry-policy.ts';
import { errorMessage } from '../../domain/app-errors.ts';

export interface WhopApiSettings {
  baseUrl: string;
  apiKey: string;
  /** Sent as `Api-Version-Date` on every request. */
  apiVersionDate: string;
  /** Sent as `X-Whop-App-Id`, as the SDK does when it knows the app. */
  appId?: string;
  timeoutMs?: number;
  /** Items per list page (default 100). */
  pageSize?: number;
  retry?: Partial<WhopRetryPolicy>;
  /** Waits between attempts; tests record the delays instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every call's outcome (metrics). */
  onCall?: (operation: string, outcome: 'ok' | 'error') => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

type Retrying = <R>(request: () => PromiseLike<R>) => Promise<R>;

/**
 * Every item of a cursor list, each page's request retried on its own. Follows
 * `page_info.has_next_page` rather than the SDK's auto-pagination, which stops only on a
 * missing `end_cursor` and so asks once more for an empty page after the last one.
 */
async function collectPages<T>(first: () => PromiseLike<CursorPageLike<T>>, retrying: Retrying): Promise<T[]> {
  let page = await retrying(first);
  const items = [...page.data];
  while (page.data.length > 0 && hasMore(page.page_info)) {
    const current = page;
    page = await retrying(() => current.getNextPage());
    items.push(...page.data);
  }
  return items;
}

export class WhopApiClient {
  private readonly sdk: Whop;
  private readonly retryPolicy: WhopRetryPolicy;

  constructor(
    private readonly settings: WhopApiSettings,
    private readonly logger: Logger,
  ) {
    this.sdk = WhopApiClient.sdkFor(settings, settings.apiKey);
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
  }

  private static sdkFor(settings: WhopApiSettings, credential: string): Whop {
    return new Whop({
      apiKey: credential,
      baseURL: settings.baseUrl,
      version: settings.apiVersionDate,
      appID: settings.appId ?? null,
      timeout: settings.timeoutMs ?? 10_000,
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  /** One HTTP request, tried again after Whop's delay (or a backoff) while the policy allows. */
  private async retrying<R>(operation: string, request: () => PromiseLike<R>): Promise<R> {
    const sleep = this.settings.sleep ?? realSleep;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        const waitMs = retryDelayMs(error, attempt, this.retryPolicy);
        if (waitMs === undefined) throw error;
        const status = error instanceof APIError ? error.status : undefined;
        this.logger.info({ whop: operation, status, attempt, waitMs }, 'whop api call retried');
        await sleep(waitMs);
      }
    }
  }

  /** A single-request operation, retried. */
  private call<T>(operation: string, request: () => PromiseLike<T>): Promise<T> {
    return this.observe(operation, () => this.retrying(operation, request));
  }

  /** Every page of a list operation, each page retried on its own. */
  private list<T>(operation: string, first: () => PromiseLike<CursorPageLike<T>>): Promise<T[]> {
    return this.observe(operation, () => collectPages(first, (request) => this.retrying(operation, request)));
  }

  private async observe<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await work();
      this.logger.debug({ whop: operation, ms: Date.now() - started }, 'whop api call');
      this.settings.onCall?.(operation, 'ok');
      return result;
    } catch (error) {
      this.settings.onCall?.(operation, 'error');
      const status = error instanceof APIError ? error.status : undefined;
      this.logger.warn(
        { whop: operation, ms: Date.now() - started, status, err: { name: (error as Error).name } },
        'whop api call failed',
      );
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

  /**
   * The companies the signed-in user can manage (`GET /companies` without `parent_company_id`,
   * with the user's own access token; Whop's `company:basic:read`), every page.
   */
  async listUserCompanies(userAccessToken: string): Promise<{ id: string; title: string }[]> {
    const sdk = WhopApiClient.sdkFor(this.settings, userAccessToken);
    const companies = await this.list('companies.list', () =>
      sdk.companies.list({ first: this.settings.pageSize ?? PAGE_SIZE }),
    );
    return companies.map((c) => ({ id: c.id, title: c.title || c.id }));
  }

  getCompany(id: string) {
    return this.call('companies.retrieve', () => this.sdk.companies.retrieve(id));
  }

  listProducts(companyId: string) {
    return this.list('products.list', () =>
      this.sdk.products.list({ account_id: companyId, first: this.settings.pageSize ?? PAGE_SIZE }),
    );
  }

  /** An experience of the app (`GET /experiences/{id}`): its company and products. */
  getExperience(id: string) {
    return this.call('experiences.retrieve', () => this.sdk.experiences.retrieve(id));
  }

  /**
   * The company's experiences powered by `appId` (`GET /experiences?company_id&app_id`), every
   * page: the experiences installing the app on the company created. Each carries its company.
   */
  listAppExperiences(companyId: string, appId: string) {
    return this.list('experiences.list', () =>
      this.sdk.experiences.list({ company_id: companyId, app_id: appId, first: this.settings.pageSize ?? PAGE_SIZE }),
    );
  }

  getProduct(id: string) {
    return this.call('products.retrieve', () => this.sdk.products.retrieve(id));
  }

  /** One plan (`GET /plans/{id}`): its prices, currency and billing period. */
  getPlan(id: string) {
    return this.call('plans.retrieve', () => this.sdk.plans.retrieve(id));
  }

  /** Every plan of `productId`, a product of `companyId` (`GET /plans?account_id&product_ids[]`). */
  listPlans(companyId: string, productId: string) {
    return this.list('plans.list', () =>
      this.sdk.plans.list({
        account_id: companyId,
        product_ids: [productId],
        first: this.settings.pageSize ?? PAGE_SIZE,
      }),
    );
  }

  /** Where to buy `productId`: the first of its plans with a `purchase_url`, or null when none has one. */
  async purchaseUrlOf(companyId: string, productId: string): Promise<string | null> {
    const plans = await this.listPlans(companyId, productId);
    return plans.map((p) => p.purchase_url).find((url) => typeof url === 'string' && url) ?? null;
  }

  /**
   * A checkout link for one plan (`POST /checkout_configurations`): Whop answers with its
   * `purchase_url` and, after checkout, sends the buyer to `redirect_url`. `metadata` is copied
   * to the payment and membership the checkout creates.
   */
  async createCheckoutConfiguration(input: {
    planId: string;
    redirectUrl: string;
    metadata: Record<string, string>;
  }): Promise<{ id: string; purchaseUrl: string | null }> {
    const created = await this.call('checkoutConfigurations.create', () =>
      this.sdk.checkoutConfigurations.create({
        plan_id: input.planId,
        redirect_url: input.redirectUrl,
        metadata: input.metadata,
      }),
    );
    return { id: created.id, purchaseUrl: created.purchase_url ?? null };
  }

  createProduct(params: Parameters<Whop['products']['create']>[0]) {
    return this.call('products.create', () => this.sdk.products.create(params));
  }

  /** Every membership matching the filter, across all pages. */
  async listMemberships(filter: {
    companyId: string;
    userIds?: string[];
    productIds?: string[];
    validOnly?: boolean;
  }): Promise<WhopMembership[]> {
    const raw = await this.list('memberships.list', () =>
      this.sdk.memberships.list({
        company_id: filter.companyId,
        first: this.settings.pageSize ?? PAGE_SIZE,
        ...(filter.userIds ? { user_ids: filter.userIds } : {}),
        ...(filter.productIds ? { product_ids: filter.productIds } : {}),
        ...(filter.validOnly ? { statuses: [...VALID_MEMBERSHIP_STATUSES] } : {}),
      }),
    );
    return raw.map(parseWhopMembership);
  }

  async getMembership(id: string): Promise<WhopMembership> {
    return parseWhopMembership(await this.call('memberships.retrieve', () => this.sdk.memberships.retrieve(id)));
  }

  /** The membership when it is valid and of `productId`; a WhopMembershipError otherwise. */
  async validateMembership(id: string, productId: string): Promise<WhopMembership> {
    const membership = await this.getMembership(id);
    if (membership.productId !== productId)
      throw new WhopMembershipError(
        `membership ${id} is not of product ${productId}`,
        undefined,
        'memberships.validate',
      );
    if (!membership.valid)
      throw new WhopMembershipError(`membership ${id} is ${membership.status}`, undefined, 'memberships.validate');
    return membership;
  }
}

function translate(error: unknown, operation: string): WhopApiError {
  if (error instanceof WhopApiError) return error;
  if (error instanceof APIError && error.status === 429) {
    const hintMs = whopRetryHintMs(error.headers, error.error);
    return new WhopRateLimitError(
      `Whop is rate limiting ${operation}`,
      operation,
      hintMs === undefined ? undefined : Math.ceil(hintMs / 1000),
    );
  }
  if (error instanceof APIError && (error.status === 401 || error.status === 403))
    return new WhopAuthError(`Whop refused ${operation} (${error.status})`, error.status, operation);
  if (error instanceof APIError && error.status === 404 && operation.startsWith('memberships'))
    return new WhopMembershipError(`Whop has no such membership`, 404, operation);
  if (error instanceof APIConnectionError)
    return new WhopApiError(`Whop is not reachable (${operation})`, undefined, operation);
  if (error instanceof APIError)
    return new WhopApiError(`Whop answered ${error.status ?? 'an error'} to ${operation}`, error.status, operation);
  return new WhopApiError(`${operation} failed: ${errorMessage(error)}`, undefined, operation);
}
