/**
 * The creator's settings page (`/settings`): the Branding section (Pro and up: accent
 * colour and logo; below Pro, locked with a link to the plans) and a link to the API tokens page.
 * Saving is a CSRF-checked multipart POST answered with a redirect (POST-redirect-GET) and a
 * flash; a form with a bad field changes nothing and is shown again, each error by its field.
 */
import type { Request, RequestHandler, Response } from 'express';
import { creatorOf } from '../middleware/require-creator.ts';
import { setFlash } from '../sessions/flash.ts';
import { tierDefinition, tierUnlocking } from '../domain/tier-table.ts';
import { LOGO_MAX_BYTES } from '../services/branding/logo-image.ts';
import type { BrandingErrors, ParsedBrandingForm } from '../services/branding/branding-input.ts';
import { canShowBranding, type BrandingService } from '../services/branding/branding-service.ts';
import {
  API_TOKENS_PATH,
  BRANDING_FORM_PATH,
  LOGO_REMOVE_PATH,
  SETTINGS_PATH,
  accentStylesheetPath,
  logoPath,
} from '../services/branding/branding-paths.ts';
import { textColorOn } from '../domain/accent-color.ts';

/** What the form sent, for showing it again beside its errors. */
interface Submitted {
  accentColor: string;
  errors: BrandingErrors;
}

export function settingsController(deps: { branding: BrandingService }) {
  async function render(req: Request, res: Response, submitted?: Submitted): Promise<void> {
    const creator = creatorOf(req);
    const entitled = canShowBranding(creator.tier);
    const saved = await deps.branding.settings(creator.id);
    const accentColor = submitted ? submitted.accentColor : (saved?.accentColor ?? '');
    res.status(submitted ? 422 : 200).render('pages/settings', {
      title: 'Settings',
      entitled,
      tierName: tierDefinition(creator.tier).name,
      requiredTierName: tierDefinition(tierUnlocking('custom_branding')).name,
      hasSavedBranding: Boolean(saved && (saved.accentColor || saved.logo)),
      accentColor,
      savedAccent: saved?.accentColor ? { color: saved.accentColor, textColor: textColorOn(saved.accentColor) } : null,
      logo: entitled && saved?.logo ? { src: logoPath(creator.whopCompanyId, saved.version) } : null,
      errors: submitted?.errors ?? {},
      // The saved colour's sample uses the creator's accent stylesheet (layout.ejs links it).
      branding:
        entitled && saved?.accentColor
          ? { stylesheetPath: accentStylesheetPath(creator.whopCompanyId, saved.version) }
          : null,
      maxLogoMb: LOGO_MAX_BYTES / 1024 / 1024,
      links: {
        brandingForm: BRANDING_FORM_PATH,
        logoRemove: LOGO_REMOVE_PATH,
        apiTokens: API_TOKENS_PATH,
        pricing: '/pricing',
      },
    });
  }

  const show: RequestHandler = async (req, res) => render(req, res);

  /** After the form parser and the CSRF check (settings-routes.ts); `res.locals.brandingForm` is what it parsed. */
  const save: RequestHandler = async (req, res) => {
    const creator = creatorOf(req);
    const form = res.locals.brandingForm as ParsedBrandingForm;
    const result = await deps.branding.save(creator, { accentColor: form.fields.accentColor ?? '', logo: form.logo });
    if (!result.ok) {
      const accent = form.fields.accentColor;
      return render(req, res, { accentColor: typeof accent === 'string' ? accent : '', errors: result.errors });
    }
    setFlash(req, 'Your branding is saved. Your students see it on your course pages and in their emails.', 'ok');
    res.redirect(303, SETTINGS_PATH);
  };

  const removeLogo: RequestHandler = async (req, res) => {
    await deps.branding.removeLogo(creatorOf(req));
    setFlash(req, 'Your logo is removed.', 'ok');
    res.redirect(303, SETTINGS_PATH);
  };

  return { show, save, removeLogo };
}
