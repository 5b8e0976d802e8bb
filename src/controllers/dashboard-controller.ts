/** The signed-in user's home page. */
import type { RequestHandler } from 'express';
import { signedIn } from '../middleware/require-auth.ts';

export function dashboardController() {
  const show: RequestHandler = (req, res) => {
    const { user, role } = signedIn(req);
    const flash = req.session.flash;
    if (flash) delete req.session.flash;
    res.render('pages/dashboard', { title: 'Dashboard', user, role, message: flash, messageKind: 'info' });
  };
  return { show };
}
