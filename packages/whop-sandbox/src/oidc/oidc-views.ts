/**
 * Renders the provider's EJS pages from `src/views/oidc/` itself, so the router
 * works whatever view settings the app that mounts it has.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import ejs from 'ejs';
import type { Response } from 'express';

const VIEWS_DIR = fileURLToPath(new URL('../views/oidc/', import.meta.url));

export type OidcView = 'authorize' | 'error';

/**
 * Sends a page with its own strict CSP (it replaces any the mounting app set). `formTargets`
 * are extra origins the page's form may end up at: browsers apply `form-action` to the
 * redirect that follows a form POST, and the consent form redirects to the client.
 */
export async function renderOidcPage(
  res: Response,
  status: number,
  view: OidcView,
  data: Record<string, unknown>,
  formTargets: string[] = [],
): Promise<void> {
  const html = await ejs.renderFile(path.join(VIEWS_DIR, `${view}.ejs`), data);
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${["'self'", ...formTargets].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': csp, 'X-Frame-Options': 'DENY' })
    .type('html')
    .send(html);
}
