/**
 * Checks what a creator sends on the branding form before anything is stored: the accent colour
 * (`#rrggbb`, or empty for none) and, when a file came, the logo (its bytes must be PNG, JPEG or
 * WebP, its name must say so, at most 1 MB). Each problem is a sentence for the field it concerns.
 */
import { parseAccentColor } from '../../domain/accent-color.ts';
import { detectLogoType, extensionMatches, extensionOf, LOGO_MAX_BYTES, type LogoType } from './logo-image.ts';

export type BrandingField = 'accentColor' | 'logo';
export type BrandingErrors = Partial<Record<BrandingField, string>>;

/** A logo as the form parser hands it over; `tooLarge` when the parser stopped past the limit. */
export type LogoUpload = { fileName: string; bytes: Buffer } | { fileName: string; tooLarge: true };

/** The branding form as the multipart parser read it: its text fields and the logo, if a file came. */
export interface ParsedBrandingForm {
  fields: Record<string, unknown>;
  logo?: LogoUpload;
}

export interface BrandingInput {
  accentColor: unknown;
  logo?: LogoUpload;
}

export interface CheckedLogo {
  bytes: Buffer;
  contentType: LogoType;
}

export type CheckedBranding =
  { ok: true; accentColor: string | null; logo: CheckedLogo | null } | { ok: false; errors: BrandingErrors };

const TYPE_NAMES: Record<LogoType, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };
const TYPE_EXTENSIONS: Record<LogoType, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp' };

function looksLikeSvg(fileName: string, bytes: Buffer): boolean {
  if (extensionOf(fileName) === 'svg' || extensionOf(fileName) === 'svgz') return true;
  const head = bytes.toString('utf8', 0, 512).trimStart().toLowerCase();
  return head.startsWith('<?xml') || head.startsWith('<svg') || head.includes('<svg');
}

export function checkLogo(logo: LogoUpload): { logo: CheckedLogo } | { error: string } {
  if ('tooLarge' in logo) return { error: 'The logo is larger than 1 MB. Choose a smaller image.' };
  if (logo.bytes.length === 0) return { error: 'The logo file is empty. Choose a PNG, JPEG or WebP image.' };
  if (logo.bytes.length > LOGO_MAX_BYTES) return { error: 'The logo is larger than 1 MB. Choose a smaller image.' };
  const type = detectLogoType(logo.bytes);
  if (!type) {
    return {
      error: looksLikeSvg(logo.fileName, logo.bytes)
        ? 'SVG logos are not accepted. Choose a PNG, JPEG or WebP image.'
        : 'This file is not a PNG, JPEG or WebP image. Choose one of those.',
    };
  }
  if (!extensionMatches(logo.fileName, type)) {
    const ext = extensionOf(logo.fileName);
    return {
      error:
        `This file is a ${TYPE_NAMES[type]} image but its name ends in ${ext ? `.${ext}` : 'no extension'}. ` +
        `Rename it to end in ${TYPE_EXTENSIONS[type]} and choose it again.`,
    };
  }
  return { logo: { bytes: logo.bytes, contentType: type } };
}

export function checkBrandingInput(input: BrandingInput): CheckedBranding {
  const errors: BrandingErrors = {};
  const raw = typeof input.accentColor === 'string' ? input.accentColor.trim() : '';
  const accentColor = raw === '' ? null : parseAccentColor(raw);
  const notText = input.accentColor !== undefined && typeof input.accentColor !== 'string';
  if (notText || (raw !== '' && accentColor === null))
    errors.accentColor = 'Enter the colour as # and six hexadecimal digits, like #1a73e8, or leave it empty.';
  let logo: CheckedLogo | null = null;
  if (input.logo) {
    const checked = checkLogo(input.logo);
    if ('error' in checked) errors.logo = checked.error;
    else logo = checked.logo;
  }
  if (errors.accentColor || errors.logo) return { ok: false, errors };
  return { ok: true, accentColor, logo };
}
