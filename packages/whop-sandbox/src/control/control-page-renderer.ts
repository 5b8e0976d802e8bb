/** Renders the control UI's pages: one layout (`views/control/layout.ejs`) around a page partial. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Response } from 'express';
import { displayDecimals } from '../serializers/money.ts';

const VIEWS_DIR = fileURLToPath(new URL('../views/control/', import.meta.url));

export type ControlPage =
  | 'overview'
  | 'users'
  | 'companies'
  | 'memberships'
  | 'payments'
  | 'events'
  | 'webhooks'
  | 'deliveries'
  | 'delivery'
  | 'mailbox'
  | 'error';

export const NAV: ReadonlyArray<{ page: ControlPage; href: string; label: string }> = [
  { page: 'overview', href: '/sandbox', label: 'App' },
  { page: 'users', href: '/sandbox/users', label: 'Users' },
  { page: 'companies', href: '/sandbox/companies', label: 'Companies' },
  { page: 'memberships', href: '/sandbox/memberships', label: 'Memberships' },
  { page: 'payments', href: '/sandbox/payments', label: 'Payments' },
  { page: 'events', href: '/sandbox/events', label: 'Fire event' },
  { page: 'webhooks', href: '/sandbox/webhooks', label: 'Webhooks' },
  { page: 'deliveries', href: '/sandbox/deliveries', label: 'Deliveries' },
  { page: 'mailbox', href: '/sandbox/mailbox', label: 'Mailbox' },
];

const helpers = {
  /** `2025-01-06 09:00:00 UTC`, or an em dash. */
  date(iso: string | null | undefined): string {
    if (!iso) return '—';
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  },
  money(amount: number | null | undefined, currency: string): string {
    return amount === null || amount === undefined
      ? '—'
      : `${amount.toFixed(displayDecimals(currency))} ${currency.toUpperCase()}`;
  },
};

export async function renderControlPage(
  res: Response,
  status: number,
  page: ControlPage,
  data: Record<string, unknown> & { title: string },
): Promise<void> {
  const html = await ejs.renderFile(path.join(VIEWS_DIR, 'layout.ejs'), {
    page,
    nav: NAV,
    helpers,
    notice: null,
    error: null,
    csrfToken: '',
    ...data,
  });
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}
