/** What a Chronos session holds. Tokens are only ever here as an encrypted envelope. */
import 'express-session';
import type { PendingLogin } from '../services/auth/sign-in-service.ts';

declare module 'express-session' {
  interface SessionData {
    /** `users.id` of the signed-in user. */
    userId: number;
    /** Whop user id of the signed-in user (for logs and role checks). */
    whopUserId: string;
    /** Epoch ms after which the session ends whatever its activity. */
    absoluteExpiresAt: number;
    /** Synchronizer CSRF token. */
    csrfToken: string;
    /** AES-256-GCM envelope of the Whop token bundle. */
    whopTokens: string;
    /** Increases with every new token bundle, so an older copy of the session never overwrites a newer bundle. */
    whopTokensGen: number;
    /** Sign-ins started from this browser and not finished yet, keyed by their `state`. */
    pendingLogins: Record<string, PendingLogin>;
    /** A message to show once on the next page (e.g. why the user was signed out). */
    flash: string;
    /** How to show the flash: `ok`, `info` (default), `warn` or `error`. */
    flashKind: 'ok' | 'info' | 'warn' | 'error';
    /** A link that goes with the flash (e.g. the upgrade checkout after a refusal). */
    flashLink: { href: string; label: string };
    /** The id of the element on the next page the flash belongs next to (a library item, say); else the page's top. */
    flashTarget: string;
  }
}
