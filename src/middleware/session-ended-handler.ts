/**
 * When a session can no longer act for its user (refresh refused, envelope tampered), it is
 * ended here: a fresh session carries the reason to the login page; JSON callers get 401.
 */
import type { ErrorRequestHandler } from 'express';
import { SessionEndedError } from '../services/auth/auth-errors.ts';
import { regenerateSession, saveSession } from '../sessions/session-lifecycle.ts';
import { wantsJson } from './require-auth.ts';
import { setFlash } from '../sessions/flash.ts';
import { limitAnonymousSession } from '../sessions/anonymous-session-lifetime.ts';

export const sessionEndedHandler: ErrorRequestHandler = async (error, req, res, next) => {
  if (!(error instanceof SessionEndedError) || res.headersSent) return next(error);
  await regenerateSession(req);
  // The fresh session only carries the message: it gets the anonymous lifetime.
  limitAnonymousSession(req.session);
  setFlash(req, error.message, 'error');
  await saveSession(req);
  if (wantsJson(req)) {
    res.status(401).json({ error: 'unauthenticated', message: error.message });
    return;
  }
  const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(302, `/login${returnTo}`);
};
