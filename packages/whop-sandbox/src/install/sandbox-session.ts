/**
 * Who is signed in to the sandbox's "whop.com" in this browser: set when a user approves a
 * sign-in on the consent page, or picks themselves on the install page. The cookie
 * (`whop_sandbox_user`, like every sandbox cookie named so it never collides with the app's)
 * holds the user id and its HMAC under a key held in memory, so a page on another port of
 * the host cannot forge it; a restart signs everyone out.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { UserRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';
import { parse as parseCookies } from 'cookie';

export const SESSION_COOKIE = 'whop_sandbox_user';

export interface SandboxSession {
  signIn(res: Response, userId: string): void;
  signOut(res: Response): void;
  /** The signed-in user, if the cookie is valid and the user still exists. */
  userOf(req: Request, state: SandboxState): UserRecord | undefined;
  /** The same, from a raw `Cookie` header (the app proxy is plain node:http). */
  userOfCookieHeader(cookieHeader: string | undefined, state: SandboxState): UserRecord | undefined;
}

/** A cookie of a `Cookie` header (jshttp's `cookie` parses it; a value it cannot decode stays as sent). */
function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  return parseCookies(cookieHeader ?? '')[name];
}

export function createSandboxSession(key: Buffer = randomBytes(32)): SandboxSession {
  const sign = (userId: string) => createHmac('sha256', key).update(`user:${userId}`).digest('base64url');
  const options = { httpOnly: true, sameSite: 'lax' as const, path: '/' };
  return {
    signIn(res, userId) {
      res.cookie(SESSION_COOKIE, `${userId}.${sign(userId)}`, options);
    },
    signOut(res) {
      res.clearCookie(SESSION_COOKIE, options);
    },
    userOf(req, state) {
      return this.userOfCookieHeader(req.headers.cookie, state);
    },
    userOfCookieHeader(cookieHeader, state) {
      const value = readCookie(cookieHeader, SESSION_COOKIE);
      const dot = value?.lastIndexOf('.') ?? -1;
      if (!value || dot <= 0) return undefined;
      const userId = value.slice(0, dot);
      const given = Buffer.from(value.slice(dot + 1));
      const expected = Buffer.from(sign(userId));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return state.getUser(userId);
    },
  };
}
