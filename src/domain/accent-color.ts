/**
 * A creator's accent colour and the text colour drawn on it. Only `#rrggbb` is accepted (what a
 * colour input sends; stored lower-case). The text colour is white or black, whichever contrasts
 * more by WCAG 2.x relative luminance; for every sRGB colour the better of the two reaches at
 * least 4.58:1, so text on the accent always meets WCAG AA (4.5:1) whatever the creator picks.
 */
export const ACCENT_COLOR = /^#[0-9a-f]{6}$/;

export const TEXT_ON_DARK = '#ffffff';
export const TEXT_ON_LIGHT = '#000000';

/** The colour as stored (`#rrggbb`, lower-case), or null when it is not one. */
export function parseAccentColor(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const value = input.trim().toLowerCase();
  return ACCENT_COLOR.test(value) ? value : null;
}

/** WCAG 2.x relative luminance of a `#rrggbb` colour (0 for black … 1 for white). */
export function relativeLuminance(hex: string): number {
  if (!ACCENT_COLOR.test(hex)) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** White or black, whichever reads better on `accent`. */
export function textColorOn(accent: string): string {
  return contrastRatio(accent, TEXT_ON_DARK) >= contrastRatio(accent, TEXT_ON_LIGHT) ? TEXT_ON_DARK : TEXT_ON_LIGHT;
}
