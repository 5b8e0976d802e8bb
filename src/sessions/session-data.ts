/** What a Chronos session holds. Tokens are only ever here as an encrypted envelope. */
import 'express-session';

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
    /** A message to show once on the next page (e.g. why the user was signed out). */
    flash: string;
  }
}
