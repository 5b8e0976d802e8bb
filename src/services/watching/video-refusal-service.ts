/**
 * Why a member of the creator may not watch one video (the product rule, video-product-rule.ts),
 * in words: which course holds it and which of the creator's Whop products open that course,
 * with a link to buy the first of them where Whop lists a plan with a `purchase_url`. Product
 * titles and purchase links come from Whop (cached); when Whop does not answer, the product ids
 * are named and no link is offered. Only refusals come here, never the playing path.
 */
import type { Logger } from 'pino';
import type { CacheService } from '../../infra/cache/cache-service.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import type { RestrictingCourse } from './course-access-service.ts';

export interface ProductRefusal {
  reason: string;
  /** Where to buy a product that opens the video (Whop's plan `purchase_url`), or null. */
  purchaseUrl: string | null;
}

interface ProductFacts {
  title: string;
  purchaseUrl: string | null;
}

const CACHE_TTL_MS = 10 * 60_000;
const GENERIC = 'This video is not part of your membership.';

/** "A", "A or B", "A, B or C". */
function either(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

export function createVideoRefusals(deps: {
  whop: Pick<WhopApiClient, 'listProducts' | 'purchaseUrlOf'>;
  cache: CacheService;
  logger: Logger;
}) {
  async function productFacts(companyId: string, productId: string): Promise<ProductFacts> {
    const key = `video-refusal:product:${companyId}:${productId}`;
    const cached = await deps.cache.get<ProductFacts>(key);
    if (cached) return cached;
    try {
      const products = await deps.whop.listProducts(companyId);
      const title = products.find((p) => p.id === productId)?.title || productId;
      const purchaseUrl = await deps.whop.purchaseUrlOf(companyId, productId);
      const facts = { title, purchaseUrl };
      await deps.cache.set(key, facts, CACHE_TTL_MS);
      return facts;
    } catch (error) {
      deps.logger.warn({ err: { name: (error as Error).name }, companyId }, 'product of a refusal not read from Whop');
      return { title: productId, purchaseUrl: null };
    }
  }

  return {
    /** The refusal of `video` for a member whose product opens none of `courses` (the restricting ones). */
    async explain(
      creator: { whopCompanyId: string; companyName: string | null },
      video: { title: string },
      courses: RestrictingCourse[],
    ): Promise<ProductRefusal> {
      const productIds = [...new Set(courses.flatMap((c) => c.productIds))];
      if (courses.length === 0 || productIds.length === 0) return { reason: GENERIC, purchaseUrl: null };
      const facts = await Promise.all(productIds.map((id) => productFacts(creator.whopCompanyId, id)));
      const name = creator.companyName ?? creator.whopCompanyId;
      const titles = courses.map((c) => `“${c.title}”`);
      const reason =
        `“${video.title}” is part of ${either(titles)}, which ${courses.length === 1 ? 'is' : 'are'} open to ` +
        `members of ${name} holding ${either(facts.map((f) => f.title))} on Whop. Your membership does not include it.`;
      return { reason, purchaseUrl: facts.find((f) => f.purchaseUrl)?.purchaseUrl ?? null };
    },
  };
}

export type VideoRefusals = ReturnType<typeof createVideoRefusals>;
