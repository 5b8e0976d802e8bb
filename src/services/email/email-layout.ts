/**
 * The one layout every mail uses: a heading, paragraphs, optional label/value details and a
 * link to the dashboard, rendered twice: as plain text and as HTML in which every value is
 * escaped. Templates hand in plain strings only, so no template can forget to escape.
 */
import { escapeHtml } from './email-format.ts';
import { textColorOn } from '../../domain/accent-color.ts';

/** A creator's branding on a mail to their students (Pro and up); absent, the mail is Chronos's own. */
export interface EmailBrand {
  name: string;
  logoUrl?: string;
  accentColor?: string;
}

export interface EmailContent {
  subject: string;
  heading: string;
  paragraphs: string[];
  details?: [label: string, value: string][];
  actionLabel: string;
  branding?: EmailBrand;
}

const CHRONOS_BUTTON = { background: '#1f6feb', color: '#ffffff' };

function brandHeader(brand: EmailBrand | undefined): string {
  if (!brand?.logoUrl) return '';
  return (
    `<p style="margin:0 0 16px"><img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.name)}" ` +
    `height="48" style="display:block;height:48px;width:auto;max-width:100%;border:0"></p>`
  );
}

export function renderText(content: EmailContent, dashboardUrl: string): string {
  const blocks = [content.heading, ...content.paragraphs];
  if (content.details?.length) blocks.push(content.details.map(([label, value]) => `${label}: ${value}`).join('\n'));
  blocks.push(
    `${content.actionLabel}: ${dashboardUrl}`,
    content.branding ? `— ${content.branding.name}, on Chronos` : '— Chronos',
  );
  return `${blocks.join('\n\n')}\n`;
}

export function renderHtml(content: EmailContent, dashboardUrl: string): string {
  const details = content.details?.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:16px 0">${content.details
        .map(
          ([label, value]) =>
            `<tr><th style="text-align:left;padding:4px 16px 4px 0;font-weight:600">${escapeHtml(label)}</th><td ` +
            `style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  // Only a checked #rrggbb reaches here (email-templates.ts); the text on it keeps 4.5:1 or more.
  const accent = content.branding?.accentColor;
  const footerName = content.branding ? `${escapeHtml(content.branding.name)} · Chronos` : 'Chronos';
  const button = accent ? { background: accent, color: textColorOn(accent) } : CHRONOS_BUTTON;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Helvetica,Arial,sans-serif;color:#1f2328">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">',
    brandHeader(content.branding),
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(content.heading)}</h1>`,
    ...content.paragraphs.map((p) => `<p style="line-height:1.5;margin:0 0 12px">${escapeHtml(p)}</p>`),
    details,
    `<p style="margin:24px 0 0"><a href="${escapeHtml(dashboardUrl)}" ` +
      `style="background:${button.background};color:${button.color};` +
      `padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(content.actionLabel)}</a></p>`,
    `<p style="color:#656d76;font-size:12px;margin:24px 0 0">${footerName}</p>`,
    '</div></body></html>',
  ].join('\n');
}
