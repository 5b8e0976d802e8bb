/**
 * The creator's settings (`/settings`) and their branding's public assets. The
 * branding form is multipart, so its POST is mounted before the app-wide CSRF check and checks
 * the token itself once the form is read (`settingsUploadRoutes`, see app.ts).
 */
import { Router } from 'express';
import { requireAuth } from '../middleware/require-auth.ts';
import { requireCreator, requireFeature } from '../middleware/require-creator.ts';
import { parseBrandingForm } from '../middleware/branding-form-parser.ts';
import { settingsController } from '../controllers/settings-controller.ts';
import { brandingAssetController } from '../controllers/branding-asset-controller.ts';
import { BRANDING_FORM_PATH, LOGO_REMOVE_PATH, SETTINGS_PATH } from '../services/branding/branding-paths.ts';
import type { Services } from '../services/build-services.ts';

type Deps = { services: Pick<Services, 'branding' | 'plans'> };

/** The multipart branding form: sign-in, creator and Pro are checked before a byte of it is read. */
export function settingsUploadRoutes(deps: Deps): Router {
  const router = Router();
  const settings = settingsController({ branding: deps.services.branding });
  router.post(
    BRANDING_FORM_PATH,
    requireAuth,
    requireCreator,
    requireFeature('custom_branding', deps.services.plans),
    parseBrandingForm,
    settings.save,
  );
  return router;
}

export function settingsRoutes(deps: Deps): Router {
  const router = Router();
  const settings = settingsController({ branding: deps.services.branding });
  router.get(SETTINGS_PATH, requireAuth, requireCreator, settings.show);
  router.post(
    LOGO_REMOVE_PATH,
    requireAuth,
    requireCreator,
    requireFeature('custom_branding', deps.services.plans),
    settings.removeLogo,
  );
  return router;
}

/** Public: a creator's logo and accent stylesheet (404 below Pro). */
export function brandingAssetRoutes(deps: { services: Pick<Services, 'branding'> }): Router {
  const router = Router();
  const assets = brandingAssetController({ branding: deps.services.branding });
  router.get('/branding/:companyId/logo', assets.logo);
  router.get('/branding/:companyId/accent.css', assets.accentStylesheet);
  return router;
}
