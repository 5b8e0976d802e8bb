/** Counted nouns for pages and messages: "1 company", "2 companies", "1,000 students". */
const IRREGULAR: Readonly<Record<string, string>> = { company: 'companies', status: 'statuses', child: 'children' };

export function pluralOf(noun: string): string {
  if (Object.hasOwn(IRREGULAR, noun)) return IRREGULAR[noun]!;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** The count (formatted) and the noun, singular for exactly 1. */
export function countOf(count: number, noun: string, plural = pluralOf(noun)): string {
  return `${new Intl.NumberFormat('en-US').format(count)} ${count === 1 ? noun : plural}`;
}
