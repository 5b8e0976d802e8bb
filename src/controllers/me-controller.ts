/** `GET /api/me` and `GET /api/me/whop`: who the signed-in user is, to Chronos and (live) to Whop. */
import type { RequestHandler } from 'express';
import { signedIn } from '../middleware/require-auth.ts';
import { csrfTokenFor } from '../middleware/csrf-protection.ts';
import type { User } from '../models/user-model.ts';
import type { SessionTokenVault } from '../sessions/session-token-vault.ts';
import type { WhopOidcClient } from '../services/whop/whop-oidc-client.ts';
import type { UserService } from '../services/user-service.ts';
import type { UsageService } from '../services/usage/usage-service.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';

export function publicUser(user: User) {
  return {
    id: user.whopUserId,
    username: user.username,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
  };
}

export function meController(deps: {
  vault: SessionTokenVault;
  oidc: WhopOidcClient;
  users: UserService;
  usage: UsageService;
  plans: PlansService;
}) {
  const me: RequestHandler = async (req, res) => {
    const { user, role, creator } = signedIn(req);
    const plan = creator ? deps.plans.planOf(creator.tier, await deps.usage.usage(creator.id)) : undefined;
    res.json({
      user: publicUser(user),
      role,
      tier: plan?.tier ?? null,
      limits: plan?.limits ?? null,
      usage: plan?.usage ?? null,
      features: plan?.features ?? [],
      upgradeUrl: plan?.upgradeUrl ?? null,
      creator: creator ? { companyId: creator.whopCompanyId, companyName: creator.companyName } : null,
      csrfToken: csrfTokenFor(req),
    });
  };

  /** Reads the user's profile from Whop with their own access token (refreshed when due) and keeps it. */
  const whopProfile: RequestHandler = async (req, res) => {
    const { user } = signedIn(req);
    const accessToken = await deps.vault.accessToken(req);
    const identity = await deps.oidc.userInfo(accessToken, user.whopUserId);
    await deps.users.updateProfile(user.id, identity);
    res.json({ profile: identity });
  };

  return { me, whopProfile };
}
