/** Guards for creators' routes: the signed-in user must run a company; features follow the tier. */
import type { Request, RequestHandler } from 'express';
import type { Creator } from '../models/creator-model.ts';
import { ForbiddenError } from '../domain/app-errors.ts';
import { FEATURE_DESCRIPTIONS, hasFeature, tierDefinition, tierUnlocking, type Feature } from '../domain/tier-table.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { signedIn, wantsJson } from './require-auth.ts';

const NOT_A_CREATOR = 'Only creators can do that. Onboard your Whop company first.';

/** The one page for "not yours to use": no company to run, or a feature of a higher tier. */
const REFUSED_PAGE = 'pages/creator-page-refused';

/** JSON gets 403 `forbidden`; a page gets a 403 page that links the set-up page (the dashboard). */
export const requireCreator: RequestHandler = (req, res, next) => {
  if (signedIn(req).creator) return next();
  if (wantsJson(req) || req.method !== 'GET') throw new ForbiddenError(NOT_A_CREATOR);
  res.status(403).render(REFUSED_PAGE, {
    title: 'Set up Chronos first',
    locked: false,
    marker: { text: '403', style: 'status-code' },
    heading: 'Set up Chronos first',
    lines: [['This page is for creators. Connect the Whop company you run, and it opens.']],
    action: { href: '/dashboard', label: 'Set up Chronos', whop: false },
    footer: {
      note: 'A member of a course? Your courses show on your dashboard as soon as its creator is on Chronos.',
    },
  });
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
    const requiredTier = tierDefinition(unlockedBy).name;
    res.status(403).render(REFUSED_PAGE, {
      title: `${info.title} is a ${requiredTier} feature`,
      locked: true,
      marker: { text: 'Locked', style: 'eyebrow' },
      heading: info.title,
      lines: [
        [info.description],
        [
          'It comes with the ',
          { strong: requiredTier },
          ' plan and above. You are on ',
          { strong: tierDefinition(creator.tier).name },
          '.',
        ],
      ],
      action: url ? { href: url, label: `Upgrade to ${requiredTier}`, whop: true } : null,
      noAction: 'Contact us to upgrade.',
      footer: { href: '/dashboard', label: 'Back to your dashboard' },
    });
  };
}
