/**
 * What a logo file really is, read from its first bytes (never from its name or the browser's
 * claim): PNG, JPEG or WebP by their signatures. Anything else, SVG included (it is a document
 * that can carry script), is not a logo. The file's extension must name the type its bytes are,
 * so a JPEG called `logo.png` is refused as well.
 */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** The largest logo stored: 1 MB. */
export const LOGO_MAX_BYTES = 1024 * 1024;

const EXTENSIONS: Readonly<Record<LogoType, readonly string[]>> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/webp': ['webp'],
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The image type the bytes are, or null. PNG: signature then the IHDR chunk; JPEG: SOI then a marker; WebP:
 * RIFF….WEBPVP8.
 */
export function detectLogoType(bytes: Buffer): LogoType | null {
  if (bytes.length >= 16 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR')
    return 'image/png';
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 16 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 15) === 'WEBPVP8' &&
    bytes.readUInt32LE(4) + 8 === bytes.length
  )
    return 'image/webp';
  return null;
}

/** The file name's extension, lower-case, without the dot ('' when there is none). */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export function extensionMatches(fileName: string, type: LogoType): boolean {
  return EXTENSIONS[type].includes(extensionOf(fileName));
}
