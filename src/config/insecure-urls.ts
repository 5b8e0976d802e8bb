/**
 * Production refuses settings that would carry secrets or users' data in clear text: a Whop
 * API base or OAuth issuer over `http://` (API key, client secret, tokens), checkout links over
 * `http://` (a buyer's card page), and SMTP without TLS (mail password, students' addresses).
 * `ALLOW_INSECURE_URLS=on` lets them through, for a private network or a local production
 * check, and the processes log a warning naming each one at start.
 */

export const INSECURE_URLS_OPT_OUT = 'ALLOW_INSECURE_URLS';

interface UrlSettings {
  WHOP_API_BASE?: string;
  WHOP_OAUTH_ISSUER?: string;
  WHOP_CHECKOUT_URLS?: Partial<Record<string, string>>;
  SMTP_URL?: string;
}

/**
 * Whether nodemailer speaks TLS over this `SMTP_URL` with a verified certificate: `smtps://`
 * (TLS from the first byte), or `smtp://` with `requireTLS=true` (STARTTLS, and the send fails
 * when the server does not offer it). Plain `smtp://` upgrades only when the server offers
 * STARTTLS, which a man in the middle strips; `secure=true` is ignored by nodemailer on an
 * `smtp://` URL; `ignoreTLS` and `tls.rejectUnauthorized=false` give the protection away.
 */
export function smtpUrlUsesTls(smtpUrl: string): boolean {
  const url = new URL(smtpUrl);
  const query = url.searchParams;
  if (query.get('tls.rejectUnauthorized') === 'false') return false;
  if (url.protocol === 'smtps:') return true;
  return url.protocol === 'smtp:' && query.get('requireTLS') === 'true' && query.get('ignoreTLS') !== 'true';
}

function isHttps(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

/** One line per setting that would travel in clear text, naming the setting. */
export function insecureUrlSettings(env: UrlSettings): string[] {
  const found: string[] = [];
  for (const name of ['WHOP_API_BASE', 'WHOP_OAUTH_ISSUER'] as const) {
    const value = env[name];
    if (value !== undefined && !isHttps(value)) found.push(`${name} must be an https:// URL in production`);
  }
  for (const [tier, url] of Object.entries(env.WHOP_CHECKOUT_URLS ?? {}))
    if (url !== undefined && !isHttps(url))
      found.push(`WHOP_CHECKOUT_URLS.${tier} must be an https:// URL in production`);
  if (env.SMTP_URL !== undefined && !smtpUrlUsesTls(env.SMTP_URL))
    found.push(
      'SMTP_URL must use TLS in production: smtps://… or smtp://…?requireTLS=true (STARTTLS required), with the ' +
        'certificate checked',
    );
  return found;
}
