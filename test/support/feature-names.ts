/**
 * Feature names as users read them, to scan pages, emails and checkout texts for promises
 * (issue 17: every feature named exists at the tier it is named for). Each feature of the
 * tier table is found by its title or its key in words; "AI chat", which Chronos never had,
 * is scanned for too. `upload` is found by its title only: the word alone is everywhere.
 */
import { FEATURE_DESCRIPTIONS, FEATURES, PROVIDED_FEATURES, type Feature } from '../../src/domain/tier-table.ts';

export type NamedFeature = Feature | 'ai_chat';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(feature: Feature): RegExp {
  const names = new Set([FEATURE_DESCRIPTIONS[feature].title.toLowerCase()]);
  if (feature !== 'upload') names.add(feature.replace(/_/g, ' '));
  return new RegExp(`\\b(?:${[...names].map(escape).join('|')})\\b`, 'i');
}

const PATTERNS: readonly { feature: NamedFeature; pattern: RegExp }[] = [
  ...FEATURES.map((feature) => ({ feature, pattern: patternOf(feature) })),
  { feature: 'ai_chat', pattern: /\bai[ -]?chat\b/i },
];

/** Features that no tier provides today: no page, email or checkout text may name them. */
export const UNPROVIDED: readonly NamedFeature[] = [
  ...FEATURES.filter((f) => !PROVIDED_FEATURES.includes(f)),
  'ai_chat',
];

/** The visible text of an HTML page: tags dropped, the usual entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Every feature `text` names, in table order. */
export function namedFeatures(text: string): NamedFeature[] {
  return PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ feature }) => feature);
}

/** The features `text` names that are not in `allowed`. */
export function namedBeyond(text: string, allowed: readonly NamedFeature[]): NamedFeature[] {
  return namedFeatures(text).filter((f) => !allowed.includes(f));
}
