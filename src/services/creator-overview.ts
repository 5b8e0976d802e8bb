/**
 * What a creator's pages and `/api/me` show about their plan: tier, limits (null = unlimited),
 * usage this month, features, and the upgrade link. Shared by the dashboard and the API.
 */
import type { Creator } from '../models/creator-model.ts';
import type { UsageService, Usage } from './usage/usage-service.ts';
import { tierDefinition, type Feature } from './tiers/tier-table.ts';

export interface PlanLimits {
  videos: number | null;
  storageBytes: number | null;
  aiCredits: number | null;
  students: number | null;
}

export interface CreatorPlan {
  tier: Creator['tier'];
  tierName: string;
  limits: PlanLimits;
  usage: Usage;
  features: readonly Feature[];
  upgradeUrl: string | null;
}

/** The plan of `creator` with the usage already read. */
export function planOf(creator: Pick<Creator, 'tier'>, usage: Usage, upgradeUrl: (tier: Creator['tier']) => string | null): CreatorPlan {
  const definition = tierDefinition(creator.tier);
  const { limits } = definition;
  return {
    tier: creator.tier,
    tierName: definition.name,
    limits: { videos: limits.videos, storageBytes: limits.storageBytes, aiCredits: limits.aiCreditsPerMonth, students: limits.students },
    usage,
    features: definition.features,
    upgradeUrl: upgradeUrl(creator.tier),
  };
}

export async function creatorPlan(creator: Creator, usage: UsageService, upgradeUrl: (tier: Creator['tier']) => string | null): Promise<CreatorPlan> {
  return planOf(creator, await usage.usage(creator.id), upgradeUrl);
}
