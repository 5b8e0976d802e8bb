/**
 * Renders the checkout pages: `views/checkout/layout.ejs` is the control UI's layout
 * (its header, messages and footer partials, the same stylesheet) around a page partial.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Response } from 'express';
import { NAV } from '../control/control-page-renderer.ts';

const VIEWS_DIR = fileURLToPath(new URL('../views/checkout/', import.meta.url));

export type CheckoutPage = 'checkout' | 'result' | 'error';

export async function renderCheckoutPage(
  res: Response,
  status: number,
  page: CheckoutPage,
  data: Record<string, unknown> & { title: string },
): Promise<void> {
  const html = await ejs.renderFile(path.join(VIEWS_DIR, 'layout.ejs'), {
    page,
    nav: NAV,
    notice: null,
    error: null,
    csrfToken: '',
    ...data,
  });
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}
