/**
 * A small seeded pseudo-random generator (mulberry32) for the hostile-input tests: the same
 * seed gives the same requests in the same order, so a failure names its seed and case and
 * reproduces exactly. Not for anything that must be unpredictable.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, count);
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) out[i] = this.int(0, 255);
    return out;
  }

  /** Characters (code points, so surrogate pairs stay whole) drawn from `alphabet`. */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    const chars = Array.from(alphabet);
    let out = '';
    for (let i = 0; i < length; i += 1) out += chars[this.int(0, chars.length - 1)];
    return out;
  }

  /** Printable ASCII of the given length, the stuff header values are made of. */
  ascii(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += String.fromCharCode(this.int(0x20, 0x7e));
    return out;
  }

  /** A string mixing the Unicode oddities that break naive code: NUL, controls, surrogates, RTL, zero-width, emoji. */
  oddUnicode(length: number): string {
    const pieces = [
      '\u0000',
      '\u0001',
      '\u001f',
      '\u007f',
      '\ud800',
      '\udfff',
      '\u202e',
      '\u200b',
      '\ufeff',
      '\uffff',
      '😀',
      'é',
      'Ａ',
      '\r\n',
      '<',
      '"',
      "'",
      '&',
      '\\',
      '%00',
      '%',
    ];
    let out = '';
    while (out.length < length) out += this.bool(0.6) ? this.pick(pieces) : this.string(1);
    return out;
  }
}

/** Prints the seed of a failed test so a run can be reproduced; use in `afterEach`. */
export function reportSeedOnFailure(context: Mocha.Context, random: SeededRandom, label: string): void {
  if (context.currentTest?.state === 'failed') {
    process.stdout.write(
      `      ${label}: pseudo-random seed ${random.seed} (fixed in the test file; rerun reproduces the same requests)\n`,
    );
  }
}
