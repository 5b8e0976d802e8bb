/** Memberships in the JSON shape of Whop's v1 API (`GET /memberships/{id}`, webhook `data`). */
import type { Membership } from '@whop/sdk/resources/shared';
import type { MembershipRecord } from '../state/sandbox-records.ts';
import type { SerializerContext } from './catalog-serializer.ts';
import { serializeUserRef } from './user-serializer.ts';

export function serializeMembership(ctx: SerializerContext, membership: MembershipRecord): Membership {
  const company = ctx.state.getCompany(membership.company_id);
  const product = ctx.state.getProduct(membership.product_id);
  const plan = ctx.state.getPlan(membership.plan_id);
  return {
    id: membership.id,
    status: membership.status,
    created_at: membership.created_at,
    updated_at: membership.updated_at,
    joined_at: membership.joined_at,
    cancel_at_period_end: membership.cancel_at_period_end,
    canceled_at: membership.canceled_at,
    cancellation_reason: membership.cancellation_reason,
    cancel_option: null,
    renewal_period_start: membership.renewal_period_start,
    renewal_period_end: membership.renewal_period_end,
    company: { id: membership.company_id, title: company?.title ?? '' },
    product: { id: membership.product_id, title: product?.title ?? '', metadata: {} },
    plan: { id: membership.plan_id, metadata: {} },
    user: serializeUserRef(ctx.state.getUser(membership.user_id)),
    member: { id: membership.member_id },
    // Stored plan currencies are Whop currencies; the SDK types the field as a union.
    currency: (plan?.currency ?? 'usd') as Membership['currency'],
    metadata: membership.metadata,
    manage_url: `${ctx.origin}/sandbox/memberships#${membership.id}`,
    checkout_configuration_id: null,
    custom_field_responses: [],
    license_key: null,
    payment_collection_paused: false,
    promo_code: null,
  };
}
