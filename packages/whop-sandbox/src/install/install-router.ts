/**
 * `/sandbox/apps/<app id>/install`: the sandbox's copy of Whop's direct install link
 * (`https://whop.com/apps/<app id>/install/`). The signed-in sandbox user picks one of the
 * companies they administer and installs the app on it. Not signed in: the page first asks
 * who you are (as whop.com would ask you to log in). After installing, the page links back
 * to the app, but nothing redirects by itself: the app must not depend on coming back.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { createCsrfProtection, CsrfRejectedError } from '../control/csrf-protection.ts';
import type { SandboxCore } from '../sandbox-core.ts';
import { SandboxError } from '../sandbox-errors.ts';
import type { SandboxSession } from './sandbox-session.ts';

const VIEWS_DIR = fileURLToPath(new URL('../views/install/', import.meta.url));

async function render(res: Response, status: number, data: Record<string, unknown>): Promise<void> {
  const html = await ejs.renderFile(path.join(VIEWS_DIR, 'install.ejs'), { problem: null, notice: null, ...data });
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}

export function createInstallRouter(core: SandboxCore, session: SandboxSession): Router {
  const router = express.Router();
  const csrf = createCsrfProtection();
  const { app } = core.options;
  const appOrigin = (() => {
    try {
      return new URL(app.redirectUri).origin;
    } catch {
      return null;
    }
  })();

  router.use(express.urlencoded({ extended: false, limit: '20kb' }));
  router.use(csrf.verify);
  // Only the registered app can be installed.
  router.use('/:appId', (req: Request<{ appId: string }>, _res, next) => {
    if (req.params.appId !== app.clientId) return next('router');
    next();
  });

  const page = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const user = session.userOf(req, core.state);
    const companies = user
      ? core.installations
          .list()
          .filter((row) => row.company.admin_user_ids.includes(user.id))
          .map((row) => ({ id: row.company.id, title: row.company.title, installed: row.installed }))
      : [];
    await render(res, status, {
      appId: app.clientId,
      action: `/sandbox/apps/${encodeURIComponent(app.clientId)}/install`,
      csrfToken: csrf.tokenFor(req, res),
      user: user ? { id: user.id, username: user.username, name: user.name } : null,
      users: core.state.listUsers().map((u) => ({ id: u.id, username: u.username, name: u.name })),
      companies,
      appUrl: appOrigin ? `${appOrigin}/dashboard` : null,
      installed: null,
      ...extra,
    });
  };

  router.get('/:appId/install', async (req, res) => page(req, res, 200));

  router.post('/:appId/install/sign-in', (req: Request<{ appId: string }>, res) => {
    const userId = typeof req.body?.user_id === 'string' ? (req.body.user_id as string) : '';
    if (core.state.getUser(userId)) session.signIn(res, userId);
    res.redirect(303, `/sandbox/apps/${encodeURIComponent(req.params.appId)}/install`);
  });

  router.post('/:appId/install/sign-out', (req: Request<{ appId: string }>, res) => {
    session.signOut(res);
    res.redirect(303, `/sandbox/apps/${encodeURIComponent(req.params.appId)}/install`);
  });

  router.post('/:appId/install', async (req, res) => {
    const user = session.userOf(req, core.state);
    if (!user) return page(req, res, 401, { problem: 'Sign in first: pick who you are.' });
    const companyId = typeof req.body?.company_id === 'string' ? (req.body.company_id as string) : '';
    try {
      const company = core.installations.install(companyId, user.id);
      await page(req, res, 200, { installed: { id: company.id, title: company.title } });
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      await page(req, res, error.status, { problem: error.message });
    }
  });

  router.use(async (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof CsrfRejectedError)) return next(error);
    await render(res, 403, {
      appId: app.clientId,
      action: '',
      csrfToken: '',
      user: null,
      users: [],
      companies: [],
      appUrl: null,
      installed: null,
      problem: error.message,
    });
  });
  return router;
}
