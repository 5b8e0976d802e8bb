/**
 * A signer's key, derived (HKDF) from the first `SESSION_SECRET` with the signer's own `info`,
 * so each signer has a key of its own and rotating the session secret rotates them all.
 *
 * There is no fallback secret. The web role cannot start without `SESSION_SECRET` in production
 * (config/production-requirements.ts); the worker can, as it builds the same services but serves
 * no page and signs nothing. So a missing secret fails where a key is used, with the setting named,
 * rather than when the services are built (which stopped the worker from starting).
 */
import { hkdfSync } from 'node:crypto';

export function sessionDerivedKey(secret: string | undefined, info: string, purpose: string): () => Buffer {
  if (!secret)
    return () => {
      throw new Error(`SESSION_SECRET is required to sign ${purpose}`);
    };
  const key = Buffer.from(hkdfSync('sha256', secret, 'chronos', info, 32));
  return () => key;
}
