/**
 * The settings every production-mode run of these tests gives Chronos besides its database,
 * Redis, port and URL: fresh secrets, Whop ids named after the run, Whop and SMTP at loopback
 * addresses that nothing calls while the roles run (so a mistake never reaches out; clear
 * text is allowed for them, and the start says so), disk storage and info logs.
 */
import { randomBytes } from 'node:crypto';

export function platformSettings(name: string, options: { webhookSecret?: string } = {}): Record<string, string> {
  return {
    SESSION_SECRET: randomBytes(32).toString('hex'),
    WHOP_API_KEY: `apik_${name}`,
    WHOP_CLIENT_ID: `app_${name}`,
    WHOP_CLIENT_SECRET: `secret_${name}`,
    WHOP_APP_ID: `app_${name}`,
    WHOP_COMPANY_ID: `biz_chronos_${name}`,
    WHOP_WEBHOOK_SECRET: options.webhookSecret ?? `ws_${randomBytes(24).toString('hex')}`,
    WHOP_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WHOP_TIER_PRODUCTS: '{"prod_basic":"basic","prod_pro":"pro"}',
    ADMIN_WHOP_USER_IDS: 'user_ops',
    WHOP_API_BASE: 'http://127.0.0.1:9/api/v1',
    WHOP_OAUTH_ISSUER: 'http://127.0.0.1:9',
    SMTP_URL: 'smtp://127.0.0.1:9',
    ALLOW_INSECURE_URLS: 'on',
    MAIL_FROM: 'Chronos <no-reply@chronos.example.test>',
    STORAGE: 'disk',
    LOG_LEVEL: 'info',
  };
}
