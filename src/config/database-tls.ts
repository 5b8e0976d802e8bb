/**
 * TLS to PostgreSQL as libpq does it: `sslmode` in `DATABASE_URL` (or libpq's `PGSSLMODE` when
 * the URL has none, for platforms that own the URL, such as Heroku), and `DATABASE_CA` for the
 * provider's certificate authority. The mode is mapped here into pg's `ssl` option and removed
 * from the URL, so pg's own reading of it (where `require` means `verify-full`) never applies:
 *
 * - `disable`: no TLS.
 * - `require`: TLS, certificate not checked; with `DATABASE_CA`, checked as `verify-ca` (libpq
 *   does so when a root certificate is present).
 * - `verify-ca`: TLS, the chain checked against `DATABASE_CA` (else the system's authorities).
 * - `verify-full`: as `verify-ca`, and the certificate must name the host.
 *
 * `allow` and `prefer` are refused: they fall back to plain text without a word. In production
 * a database that is not on loopback must be reached over TLS unless `sslmode=disable` is
 * written out.
 */
import type { ConnectionOptions } from 'node:tls';
import { readCaCertificate } from './ca-certificate.ts';
import { isLoopbackHost } from './loopback-host.ts';

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** pg's `ssl` option: false for plain text, else the options of Node's `tls.connect`. */
export type DatabaseSsl = false | ConnectionOptions;

export interface DatabaseTls {
  /** `DATABASE_URL` without its TLS parameters. */
  url: string;
  /** The mode in force; undefined when none was given (plain text, loopback or outside production). */
  mode: SslMode | undefined;
  ssl: DatabaseSsl;
}

/** URL parameters pg or Sequelize would read on their own; Chronos reads sslmode only and refuses the rest. */
const OTHER_TLS_PARAMETERS = ['ssl', 'sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'uselibpqcompat'];
const ACCEPTED = SSL_MODES.join(', ');

function parseMode(raw: string, source: string): { mode: SslMode } | { problem: string } {
  if ((SSL_MODES as readonly string[]).includes(raw)) return { mode: raw as SslMode };
  if (raw === 'allow' || raw === 'prefer')
    return {
      problem: `${source}: sslmode=${raw} may fall back to plain text without a word; use one of ${ACCEPTED}`,
    };
  return { problem: `${source}: sslmode=${raw} is not a libpq sslmode Chronos accepts; use one of ${ACCEPTED}` };
}

function sslOptions(mode: SslMode | undefined, ca: string | undefined): DatabaseSsl {
  if (mode === undefined || mode === 'disable') return false;
  if (mode === 'require' && ca === undefined) return { rejectUnauthorized: false };
  const caOption = ca === undefined ? {} : { ca };
  if (mode === 'verify-full') return { rejectUnauthorized: true, ...caOption };
  // verify-ca (and require with an authority): the chain is checked, the host name is not.
  return { rejectUnauthorized: true, ...caOption, checkServerIdentity: () => undefined };
}

export interface DatabaseTlsSettings {
  DATABASE_URL?: string;
  DATABASE_CA?: string;
  PGSSLMODE?: string;
}

/** The URL and pg's `ssl` option for these settings, or the problems, each naming its setting. */
export function databaseTls(
  env: DatabaseTlsSettings,
  isProduction: boolean,
): { tls: DatabaseTls | undefined; problems: string[] } {
  const problems: string[] = [];
  if (env.DATABASE_URL === undefined) {
    if (env.DATABASE_CA !== undefined) problems.push('DATABASE_CA: set, but DATABASE_URL is not');
    return { tls: undefined, problems };
  }
  const url = new URL(env.DATABASE_URL);
  for (const name of OTHER_TLS_PARAMETERS)
    if (url.searchParams.has(name))
      problems.push(`DATABASE_URL: the parameter ${name} is not read; use sslmode, and DATABASE_CA for an authority`);
  const fromUrl = url.searchParams.get('sslmode');
  url.searchParams.delete('sslmode');
  let mode: SslMode | undefined;
  const raw = fromUrl ?? env.PGSSLMODE;
  if (raw !== undefined) {
    const parsed = parseMode(raw, fromUrl === null ? 'PGSSLMODE' : 'DATABASE_URL');
    if ('problem' in parsed) problems.push(parsed.problem);
    else mode = parsed.mode;
  }
  let ca: string | undefined;
  if (env.DATABASE_CA !== undefined) {
    const read = readCaCertificate('DATABASE_CA', env.DATABASE_CA);
    if ('problem' in read) problems.push(read.problem);
    else ca = read.pem;
    if (raw === undefined || mode === 'disable')
      problems.push('DATABASE_CA: set, but DATABASE_URL has no sslmode that uses it (require, verify-ca, verify-full)');
  }
  if (isProduction && raw === undefined && !isLoopbackHost(url.hostname))
    problems.push(
      `DATABASE_URL: the database at ${url.hostname} would be reached without TLS; add sslmode=verify-full (with ` +
        `DATABASE_CA for the provider's authority) or sslmode=require, or write sslmode=disable to mean it`,
    );
  if (problems.length > 0) return { tls: undefined, problems };
  return { tls: { url: url.toString(), mode, ssl: sslOptions(mode, ca) }, problems };
}
