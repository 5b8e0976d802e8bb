/**
 * The sandbox's seed (SPEC §8). Ids are fixed: the app's docs and tests name them.
 * Renewal periods are placed around `now` so seeded memberships look current.
 */
import type {
  CompanyRecord,
  MembershipRecord,
  PlanRecord,
  ProductRecord,
  SandboxData,
  UserRecord,
  WebhookRecord,
} from './sandbox-records.ts';

/** The companies that installed the registered app at seed time (the one place that says so). */
export const APP_INSTALLED_COMPANY_IDS: readonly string[] = ['biz_creator2'];

/** Ids of the two seeded webhooks. */
export const SEED_COMPANY_WEBHOOK_ID = 'hook_company';
export const SEED_APP_WEBHOOK_ID = 'hook_app';

/**
 * The seeded webhooks, both POSTing to the registered app's webhook URL with its secret:
 * a company webhook of the app's own company (Chronos's plan memberships) and an app
 * webhook (the events of every company that installed the app). Both unpinned: v1 with
 * Whop's legacy nested payload shape, dotted names.
 */
export function seedWebhooks(ownCompanyId: string): WebhookRecord[] {
  const base = {
    url: null,
    api_version: 'v1',
    api_version_date: null,
    event_names: 'dotted',
    enabled: true,
    created_at: SEEDED_AT,
  } as const;
  return [
    { ...base, id: SEED_COMPANY_WEBHOOK_ID, kind: 'company', resource_id: ownCompanyId },
    { ...base, id: SEED_APP_WEBHOOK_ID, kind: 'app', resource_id: null },
  ];
}

const SEEDED_AT = '2025-01-06T09:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;

function user(id: string, username: string, name: string, email: string): UserRecord {
  return { id, username, name, email, profile_picture: null, created_at: SEEDED_AT };
}

function company(id: string, title: string, adminUserIds: string[]): CompanyRecord {
  const route = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id,
    title,
    route,
    description: null,
    admin_user_ids: adminUserIds,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  };
}

function product(id: string, companyId: string, title: string, headline: string): ProductRecord {
  const route = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id,
    company_id: companyId,
    title,
    route,
    description: null,
    headline,
    visibility: 'visible',
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  };
}

function monthlyPlan(id: string, prod: ProductRecord, priceCents: number): PlanRecord {
  return {
    id,
    product_id: prod.id,
    company_id: prod.company_id,
    title: `${prod.title} monthly`,
    plan_type: 'renewal',
    billing_period: 30,
    initial_price_cents: priceCents,
    renewal_price_cents: priceCents,
    currency: 'usd',
    trial_period_days: null,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  };
}

function activeMembership(id: string, userId: string, plan: PlanRecord, now: Date): MembershipRecord {
  const start = new Date(now.getTime() - 5 * DAY_MS);
  const end = new Date(start.getTime() + (plan.billing_period ?? 30) * DAY_MS);
  return {
    id,
    user_id: userId,
    product_id: plan.product_id,
    plan_id: plan.id,
    company_id: plan.company_id,
    member_id: `mber_${id.slice(4)}`,
    status: 'active',
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_reason: null,
    renewal_period_start: start.toISOString(),
    renewal_period_end: end.toISOString(),
    metadata: {},
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
    joined_at: SEEDED_AT,
  };
}

export function createSeedData(now: Date = new Date(), ownCompanyId = 'biz_chronos'): SandboxData {
  const users = [
    user('user_admin', 'admin', 'Ada Admin', 'admin@chronos.test'),
    user('user_creator_free', 'creator_free', 'Fran Free', 'creator.free@example.test'),
    user('user_creator_pro', 'creator_pro', 'Priya Pro', 'creator.pro@example.test'),
    user('user_student1', 'student1', 'Sam Student', 'student1@example.test'),
    user('user_student2', 'student2', 'Sky Student', 'student2@example.test'),
  ];
  const companies = [
    company('biz_chronos', 'Chronos', ['user_admin']),
    company('biz_creator1', 'Creator One Academy', ['user_creator_free']),
    company('biz_creator2', 'Creator Two Studio', ['user_creator_pro']),
  ];
  const basic = product('prod_basic', 'biz_chronos', 'Chronos Basic', '50 videos and analytics');
  const pro = product('prod_pro', 'biz_chronos', 'Chronos Pro', '500 videos, analytics and bulk upload');
  const enterprise = product(
    'prod_enterprise',
    'biz_chronos',
    'Chronos Enterprise',
    'Unlimited videos, storage and students',
  );
  const course1 = product('prod_course1', 'biz_creator1', 'Time Management Course', 'The course of Creator One');
  const course2 = product('prod_course2', 'biz_creator2', 'Video Editing Masterclass', 'The course of Creator Two');
  const plans = [
    monthlyPlan('plan_basic', basic, 1900),
    monthlyPlan('plan_pro', pro, 4900),
    monthlyPlan('plan_enterprise', enterprise, 19900),
    monthlyPlan('plan_course1', course1, 2900),
    monthlyPlan('plan_course2', course2, 4900),
  ];
  const planById = new Map(plans.map((p) => [p.id, p]));
  const planOf = (id: string): PlanRecord => {
    const found = planById.get(id);
    if (!found) throw new Error(`seed: unknown plan ${id}`);
    return found;
  };
  const memberships = [
    activeMembership('mem_seedcreatorpro', 'user_creator_pro', planOf('plan_pro'), now),
    activeMembership('mem_seedstudent1', 'user_student1', planOf('plan_course1'), now),
    activeMembership('mem_seedstudent2', 'user_student2', planOf('plan_course1'), now),
  ];
  return {
    users,
    companies,
    products: [basic, pro, enterprise, course1, course2],
    plans,
    memberships,
    payments: [],
    installations: APP_INSTALLED_COMPANY_IDS.map((id) => ({
      company_id: id,
      installed_by: null,
      installed_at: SEEDED_AT,
    })),
    webhooks: seedWebhooks(ownCompanyId),
    refunds: [],
    disputes: [],
    invoices: [],
  };
}
