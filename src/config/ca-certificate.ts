/**
 * A certificate authority setting (`DATABASE_CA`, `REDIS_CA`): the PEM text itself, or the path
 * of a PEM file. Read and checked at start, so a wrong value is one clear line naming the
 * setting rather than a TLS failure later.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export type CaResult = { pem: string } | { problem: string };

/** The PEM of every certificate in `value` (text or file), or the problem, naming `name`. */
export function readCaCertificate(name: string, value: string): CaResult {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { problem: `${name}: cannot read the file ${value} (${code}); give the PEM text or a readable PEM file` };
    }
  }
  // Some platforms keep a multi-line value with literal "\n" sequences.
  if (!text.includes('\n')) text = text.replaceAll('\\n', '\n');
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return { problem: `${name}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return { problem: `${name}: holds a PEM block that is not a valid certificate` };
  }
  return { pem: blocks.join('\n') + '\n' };
}
