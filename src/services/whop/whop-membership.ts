/**
 * Memberships as the rest of Chronos knows them. The reading of Whop's shapes lives in
 * `whop-shapes/` (the one translation point); access rules in `membership-access.ts`.
 */
import { toMembership, type Membership } from './whop-shapes/index.ts';
import { GRANTING_STATUSES, grantsAccess } from './membership-access.ts';

/** Statuses that grant access (for Whop's `statuses[]` list filter). */
export const VALID_MEMBERSHIP_STATUSES = GRANTING_STATUSES;

export type WhopMembership = Membership;

export function isValidMembershipStatus(status: string): boolean {
  return grantsAccess(status);
}

/**
 * A membership read from Whop's REST API, in whichever shape the pinned version returns. Its
 * ordering key, when the shape has no `updated_at`, is the time of the read. `user: null` is
 * kept (userId null) for the caller to settle; a ShapeError when it is not a membership.
 */
export function parseWhopMembership(raw: unknown): WhopMembership {
  return toMembership(raw, { observedAt: new Date() });
}
