/** Reading the `/pricing` page in tests. */
import type { Tier } from '../../src/domain/tier-table.ts';

/** The HTML of one tier's card on the pricing page. */
export function tierCard(html: string, tier: Tier): string {
  const match = new RegExp(`<article class="card tier-card" data-tier="${tier}"[\\s\\S]*?</article>`).exec(html);
  if (!match) throw new Error(`no ${tier} card on the page`);
  return match[0];
}
