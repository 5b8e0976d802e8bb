/**
 * The public parts of a creator's branding: `GET /branding/:companyId/logo` (the image, for
 * their pages and their students' mail clients) and `GET /branding/:companyId/accent.css` (the
 * accent as CSS custom properties). Both answer 404 below Pro, when nothing is set, or for an
 * unknown company. The URL carries a version that changes with each save, so an hour of public
 * caching never shows an old logo after a change.
 */
import type { RequestHandler, Response } from 'express';
import type { BrandingService } from '../services/branding/branding-service.ts';

const PUBLIC_CACHE = 'public, max-age=3600';

function notFound(res: Response): void {
  res.status(404).type('text/plain').send('Not found');
}

export function brandingAssetController(deps: { branding: Pick<BrandingService, 'logo' | 'accentStylesheet'> }) {
  const logo: RequestHandler = async (req, res) => {
    const found = await deps.branding.logo(String(req.params.companyId));
    if (!found) return notFound(res);
    res.set({
      'Content-Type': found.contentType,
      'Content-Length': String(found.bytes.length),
      'Cache-Control': PUBLIC_CACHE,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
      // Mail clients and webmail load it from other origins.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.end(found.bytes);
  };

  const accentStylesheet: RequestHandler = async (req, res) => {
    const css = await deps.branding.accentStylesheet(String(req.params.companyId));
    if (!css) return notFound(res);
    res.set({
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': PUBLIC_CACHE,
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(css);
  };

  return { logo, accentStylesheet };
}
