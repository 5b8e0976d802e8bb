/**
 * TLS to Redis: a `rediss://` `REDIS_URL` speaks TLS with the certificate checked against the
 * system's authorities, or against `REDIS_CA` (PEM text or file) for a provider's own.
 * `REDIS_TLS_INSECURE=on` skips the check, for providers with self-signed certificates and no
 * CA file to give; the processes log it as a warning at start. Both apply to `rediss://` only:
 * with `redis://` they would promise a protection that is not there.
 */
import type { ConnectionOptions } from 'node:tls';
import { readCaCertificate } from './ca-certificate.ts';

export interface RedisTls {
  /** ioredis's `tls` option; undefined for a `redis://` URL (no TLS). */
  options: ConnectionOptions | undefined;
  /** REDIS_TLS_INSECURE is on: the certificate is not checked. */
  insecure: boolean;
}

export interface RedisTlsSettings {
  REDIS_URL?: string;
  REDIS_CA?: string;
  REDIS_TLS_INSECURE?: boolean;
}

export function redisTls(env: RedisTlsSettings): { tls: RedisTls; problems: string[] } {
  const problems: string[] = [];
  const insecure = env.REDIS_TLS_INSECURE === true;
  const usesTls = env.REDIS_URL?.startsWith('rediss://') === true;
  if (!usesTls) {
    for (const name of ['REDIS_CA', 'REDIS_TLS_INSECURE'] as const)
      if (env[name] !== undefined && env[name] !== false)
        problems.push(`${name}: applies to a rediss:// REDIS_URL only (TLS), and REDIS_URL is not one`);
    return { tls: { options: undefined, insecure: false }, problems };
  }
  let ca: string | undefined;
  if (env.REDIS_CA !== undefined) {
    const read = readCaCertificate('REDIS_CA', env.REDIS_CA);
    if ('problem' in read) problems.push(read.problem);
    else ca = read.pem;
    if (insecure) problems.push('REDIS_TLS_INSECURE: on together with REDIS_CA; give the authority and leave this off');
  }
  return {
    tls: { options: { rejectUnauthorized: !insecure, ...(ca === undefined ? {} : { ca }) }, insecure },
    problems,
  };
}
