/** The public pages: landing and login. */
import type { RequestHandler } from 'express';
import { safeReturnTo } from '../services/return-to.ts';

function loginHref(returnTo: string | undefined): string {
  return returnTo ? `/api/whop/auth/login?returnTo=${encodeURIComponent(returnTo)}` : '/api/whop/auth/login';
}

export function pageController() {
  const landing: RequestHandler = (_req, res) => {
    res.render('pages/landing', { title: 'Chronos — video courses for Whop creators', loginHref: loginHref(undefined) });
  };
  const login: RequestHandler = (req, res) => {
    const flash = req.session?.flash;
    if (flash && req.session) delete req.session.flash;
    res.render('pages/login', {
      title: 'Sign in',
      loginHref: loginHref(safeReturnTo(req.query.returnTo)),
      message: flash,
    });
  };
  return { landing, login };
}
