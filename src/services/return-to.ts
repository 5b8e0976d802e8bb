/**
 * Where a user may be sent back to after sign-in: only a path on this site. Anything that a
 * browser could read as another origin (`//host`, `/\host`, schemes, encoded or control
 * characters) is dropped.
 */
const MAX_LENGTH = 512;

export function safeReturnTo(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_LENGTH) return undefined;
  if (!candidate.startsWith('/')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return undefined;
  let decoded = candidate;
  try {
    for (let i = 0; i < 3; i += 1) {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    }
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- as above, after decoding
  if (decoded.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(decoded) || !decoded.startsWith('/')) return undefined;
  const parsed = new URL(candidate, 'http://chronos.invalid');
  if (parsed.origin !== 'http://chronos.invalid') return undefined;
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // Normalising dot segments can make a protocol-relative URL out of a local path (`/.//host`).
  if (path.startsWith('//') || path.startsWith('/\\')) return undefined;
  return path;
}
