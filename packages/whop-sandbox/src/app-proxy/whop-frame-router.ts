/**
 * `/sandbox/whop/<company>/<experience>` and `/sandbox/whop/<company>/dashboard`: the sandbox's
 * whop.com pages that show an installed app, as Whop does, in an iframe: the member view
 * (the experience that installing created) and the team view (the company's dashboard). The
 * iframe's origin is the app proxy (app-proxy.ts), which adds `x-whop-user-token` for the user
 * picked here. Only installed companies have views.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import express from 'express';
import type { Request, Response, Router } from 'express';
import { createCsrfProtection } from '../control/csrf-protection.ts';
import type { SandboxSession } from '../install/sandbox-session.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { experienceIdFor } from '../services/experience-service.ts';

const VIEWS_DIR = fileURLToPath(new URL('../views/whop/', import.meta.url));
const LOCAL_FRAME_PATH = /^\/sandbox\/whop\/biz_\w+\/(dashboard|exp_\w+)$/;

export function framePaths(companyId: string) {
  const base = `/sandbox/whop/${encodeURIComponent(companyId)}`;
  return { member: `${base}/${experienceIdFor(companyId)}`, team: `${base}/dashboard` };
}

export function createWhopFrameRouter(
  core: SandboxCore,
  session: SandboxSession,
  proxyOrigin: string | undefined,
): Router {
  const router = express.Router();
  const csrf = createCsrfProtection();
  router.use(express.urlencoded({ extended: false, limit: '10kb' }));
  router.use(csrf.verify);

  async function render(req: Request, res: Response, status: number, data: Record<string, unknown>): Promise<void> {
    const user = session.userOf(req, core.state);
    const html = await ejs.renderFile(path.join(VIEWS_DIR, 'frame.ejs'), {
      problem: null,
      company: null,
      frameSrc: null,
      view: null,
      experienceId: null,
      memberHref: null,
      teamHref: null,
      returnTo: req.path === '/' ? '/sandbox' : `/sandbox/whop${req.path}`,
      csrfToken: csrf.tokenFor(req, res),
      user: user ? { id: user.id } : null,
      users: core.state.listUsers().map((u) => ({ id: u.id, username: u.username })),
      ...data,
    });
    res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
  }

  router.post('/sign-in', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const userId = typeof body.user_id === 'string' ? body.user_id : '';
    if (core.state.getUser(userId)) session.signIn(res, userId);
    else session.signOut(res);
    const returnTo =
      typeof body.return_to === 'string' && LOCAL_FRAME_PATH.test(body.return_to) ? body.return_to : '/sandbox';
    res.redirect(303, returnTo);
  });

  router.get('/:companyId/:view', async (req: Request<{ companyId: string; view: string }>, res) => {
    const company = core.state.getCompany(req.params.companyId);
    const experienceId = experienceIdFor(req.params.companyId);
    const view = req.params.view === 'dashboard' ? 'team' : req.params.view === experienceId ? 'member' : null;
    if (!company || !core.state.isInstalled(company.id) || !view) {
      return render(req, res, 404, {
        heading: 'No such app view',
        problem: 'The app is not installed on this company, or the company has no such experience.',
      });
    }
    const appPath = view === 'team' ? `/dashboard/${company.id}` : `/experiences/${experienceId}`;
    const paths = framePaths(company.id);
    // whop.com shows an app only to a signed-in user: signed out, the page asks who you are first.
    const signedIn = session.userOf(req, core.state) !== undefined;
    await render(req, res, 200, {
      heading: `${company.title} · ${view === 'team' ? 'Dashboard' : 'Chronos'}`,
      company: { id: company.id, title: company.title },
      view,
      experienceId,
      memberHref: paths.member,
      teamHref: paths.team,
      frameSrc: proxyOrigin && signedIn ? `${proxyOrigin}${appPath}` : null,
      problem: !proxyOrigin
        ? 'The app proxy is not running (start the sandbox with an app proxy port).'
        : signedIn
          ? null
          : 'Sign in to whop.com first: pick who you are above.',
    });
  });
  return router;
}
