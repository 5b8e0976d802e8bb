/**
 * The tier table of SPEC §2: the one place that defines the tiers, their limits and their
 * features; the types (`Tier`, `Feature`, `LimitName`) and the config's tier setting derive
 * from it. `null` means unlimited. Storage is in bytes, 1 GB = 1024³ bytes. (The creators
 * table's CHECK constraint lists the tiers too: a migration is a record of the schema when it
 * ran and never imports code that changes later.)
 */
/** Lowest first. */
export const TIERS = ['free', 'basic', 'pro', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export const FEATURES = [
  'upload',
  'analytics',
  'course_builder',
  'bulk_upload',
  'custom_branding',
  'api_access',
  'priority_support',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface TierLimits {
  videos: number | null;
  storageBytes: number | null;
  /** AI credits per calendar month (UTC). */
  aiCredits: number | null;
  students: number | null;
}

/** The limits as refusals and the admin overview name them. */
export const LIMIT_NAMES = ['videos', 'storage', 'ai_credits', 'students'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface TierDefinition {
  name: string;
  limits: TierLimits;
  features: readonly Feature[];
}

const GB = 1024 ** 3;

export const TIER_TABLE: Readonly<Record<Tier, TierDefinition>> = Object.freeze({
  free: {
    name: 'Free',
    limits: { videos: 5, storageBytes: 1 * GB, aiCredits: 100, students: 10 },
    features: ['upload'],
  },
  basic: {
    name: 'Basic',
    limits: { videos: 50, storageBytes: 10 * GB, aiCredits: 1_000, students: 100 },
    features: ['upload', 'analytics', 'course_builder'],
  },
  pro: {
    name: 'Pro',
    limits: { videos: 500, storageBytes: 100 * GB, aiCredits: 10_000, students: 1_000 },
    features: ['upload', 'analytics', 'course_builder', 'bulk_upload', 'custom_branding', 'api_access'],
  },
  enterprise: {
    name: 'Enterprise',
    limits: { videos: null, storageBytes: null, aiCredits: null, students: null },
    features: [...FEATURES],
  },
});

export const FEATURE_DESCRIPTIONS: Readonly<Record<Feature, { title: string; description: string }>> = {
  upload: { title: 'Video upload', description: 'Add videos to your courses.' },
  analytics: { title: 'Analytics', description: 'See how your videos, students and AI credits grow over time.' },
  course_builder: { title: 'Course builder', description: 'Arrange videos into modules and lessons.' },
  bulk_upload: { title: 'Bulk upload', description: 'Add many videos at once.' },
  custom_branding: { title: 'Custom branding', description: 'Your colours and logo on your course pages.' },
  api_access: { title: 'API access', description: 'Work with your courses from your own tools.' },
  priority_support: { title: 'Priority support', description: 'Answers from our team first.' },
};

/**
 * AI credits are not a feature: every tier has a monthly allowance (`limits.aiCredits`) that
 * Chronos's AI services debit through `POST /api/ai/credits`. Chronos has no AI page of its
 * own, so pages describe the allowance with these words and never name an AI product.
 */
export const AI_CREDITS_DESCRIPTION = {
  title: 'AI credits',
  description: "A monthly allowance for Chronos's AI services, reset on the first of each month (UTC).",
} as const;

/**
 * The features Chronos provides, every one built: the course builder (`/dashboard/courses`),
 * custom branding (`/settings`), bulk upload (several files at once on the library),
 * the creator API (`/api/v1`, tokens on `/settings/api`). `priority_support` is
 * provided only when a support contact is configured (`SUPPORT_EMAIL`); see `shownFeatures`.
 */
export const PROVIDED_FEATURES: readonly Feature[] = [
  'upload',
  'analytics',
  'course_builder',
  'bulk_upload',
  'custom_branding',
  'api_access',
  'priority_support',
];

/** What a page may promise about `tier`: its features that exist, in table order. */
export function shownFeatures(tier: Tier, options: { supportContact: boolean }): Feature[] {
  return TIER_TABLE[tier].features.filter(
    (feature) => PROVIDED_FEATURES.includes(feature) && (feature !== 'priority_support' || options.supportContact),
  );
}

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

export function hasFeature(tier: Tier, feature: Feature): boolean {
  return TIER_TABLE[tier].features.includes(feature);
}

/** The lowest tier that unlocks a feature. */
export function tierUnlocking(feature: Feature): Tier {
  return TIERS.find((tier) => hasFeature(tier, feature)) ?? 'enterprise';
}

/** The next tier up, for "upgrade" links; undefined at the top. */
export function nextTier(tier: Tier): Tier | undefined {
  return TIERS[tierRank(tier) + 1];
}

export function tierDefinition(tier: Tier): TierDefinition {
  return TIER_TABLE[tier];
}
