/** Guards for creators' routes: the signed-in user must run a company; features follow the tier. */
import type { Request, RequestHandler } from 'express';
import type { Creator } from '../models/creator-model.ts';
import { ForbiddenError } from '../domain/app-errors.ts';
import { FEATURE_DESCRIPTIONS, hasFeature, tierDefinition, tierUnlocking, type Feature } from '../domain/tier-table.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { signedIn, wantsJson } from './require-auth.ts';

const NOT_A_CREATOR = 'Only creators can do that. Onboard your Whop company first.';

/** JSON gets 403 `forbidden`; a page gets a 403 page that links the set-up page (the dashboard). */
export const requireCreator: RequestHandler = (req, res, next) => {
  if (signedIn(req).creator) return next();
  if (wantsJson(req) || req.method !== 'GET') throw new ForbiddenError(NOT_A_CREATOR);
  res.status(403).render('pages/creator-required', { title: 'Set up Chronos first' });
};

/** The creator of a request that passed `requireCreator`. */
export function creatorOf(req: Request): Creator {
  const creator = signedIn(req).creator;
  if (!creator) throw new ForbiddenError(NOT_A_CREATOR);
  return creator;
}

/**
 * A feature of a higher tier: pages get a 403 page that says what the feature is, which tier
 * unlocks it and where to upgrade; JSON gets 403 `feature_locked`.
 */
export function requireFeature(feature: Feature, plans: Pick<PlansService, 'upgradeForFeature'>): RequestHandler {
  return (req, res, next) => {
    const creator = creatorOf(req);
    if (hasFeature(creator.tier, feature)) return next();
    const unlockedBy = tierUnlocking(feature);
    const info = FEATURE_DESCRIPTIONS[feature];
    const url = plans.upgradeForFeature(feature);
    if (wantsJson(req)) {
      res
        .status(403)
        .json({ error: 'feature_locked', feature, tier: creator.tier, requiredTier: unlockedBy, upgradeUrl: url });
      return;
    }
    res.status(403).render('pages/feature-locked', {
      title: `${info.title} is a ${tierDefinition(unlockedBy).name} feature`,
      feature: info,
      currentTier: tierDefinition(creator.tier).name,
      requiredTier: tierDefinition(unlockedBy).name,
      upgradeUrl: url,
    });
  };
}
