/** The public pages: landing and login. */
import type { RequestHandler } from 'express';
import { safeReturnTo } from '../services/return-to.ts';
import { loginPath } from '../http/route-paths.ts';

export function pageController() {
  const landing: RequestHandler = (_req, res) => {
    res.render('pages/landing', { title: 'Chronos — video courses for Whop creators', loginHref: loginPath() });
  };
  const login: RequestHandler = (req, res) => {
    res.render('pages/login', {
      title: 'Sign in',
      loginHref: loginPath(safeReturnTo(req.query.returnTo)),
    });
  };
  return { landing, login };
}
