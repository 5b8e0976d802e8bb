/**
 * The cast of the security tests on one Chronos + sandbox: two onboarded creators (free
 * `biz_creator1`, pro `biz_creator2`), a student of creator 1, an admin, a signed-in member who
 * is none of these, and a stranger. Each signed-in browser knows its session's CSRF token.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import {
  startChronosWithSandbox,
  type ChronosWithSandbox,
  type ChronosWithSandboxOptions,
} from '../../support/chronos-with-sandbox.ts';
import { onboard } from '../../support/onboarding.ts';
import { TestBrowser } from '../../support/test-browser.ts';
import { insertVideo } from '../../support/videos.ts';
import { LIBRARY_VIDEO_ID } from './routes.ts';
import { cleanTables } from '../../support/table-cleaner.ts';

export type Role = 'admin' | 'creator' | 'creatorPro' | 'student' | 'member' | 'stranger';
export const ROLES: readonly Role[] = ['admin', 'creator', 'creatorPro', 'student', 'member', 'stranger'];

export interface Actor {
  role: Role;
  browser: TestBrowser;
  /** The session's CSRF token ('' for a stranger). */
  csrf: string;
  whopUserId: string | undefined;
}

export interface SecurityCast {
  t: ChronosWithSandbox;
  actors: Record<Role, Actor>;
  /** Row counts of every table the app writes, to prove a refused request changed nothing. */
  counts(): Promise<Record<string, number>>;
}

export const COUNTED_TABLES = [
  'users',
  'creators',
  'students',
  'videos',
  'usage_metrics',
  'payments',
  'webhook_events',
  'email_outbox',
  'reconciliation_runs',
  'plan_memberships',
] as const;

export async function tableCounts(sequelize: Sequelize): Promise<Record<string, number>> {
  const [row] = await sequelize.query<Record<string, string>>(
    `SELECT ${COUNTED_TABLES.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`).join(', ')}`,
    { type: QueryTypes.SELECT },
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

export async function csrfOf(t: ChronosWithSandbox, browser: TestBrowser): Promise<string> {
  const response = await browser.get(`${t.appUrl}/api/me`);
  if (response.status !== 200) throw new Error(`GET /api/me → ${response.status}`);
  return (JSON.parse(response.text) as { csrfToken: string }).csrfToken;
}

/** Starts the app and signs the cast in; tables and the sandbox start from the seed. */
export async function startSecurityCast(options: ChronosWithSandboxOptions = {}): Promise<SecurityCast> {
  const t = await startChronosWithSandbox(options);
  await cleanTables(t.runtime.deps.sequelize);
  await t.control.reset();
  const memberId = await t.control.createUser(`plain_member_${Date.now().toString(36)}`);

  const creator = await t.signIn('user_creator_free');
  await onboard(t, creator, 'biz_creator1');
  const creatorA = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
  const libraryVideo = await insertVideo(t.runtime.deps.sequelize, creatorA!.id, { title: 'Security cast video' });
  if (libraryVideo !== LIBRARY_VIDEO_ID)
    throw new Error(`the cast's video is ${libraryVideo}, not ${LIBRARY_VIDEO_ID}`);
  const creatorPro = await t.signIn('user_creator_pro');
  await onboard(t, creatorPro, 'biz_creator2');
  const admin = await t.signIn('user_admin');
  const student = await t.signIn('user_student1');
  const member = await t.signIn(memberId);

  const actor = async (role: Role, browser: TestBrowser, whopUserId: string): Promise<Actor> => ({
    role,
    browser,
    whopUserId,
    csrf: await csrfOf(t, browser),
  });
  const actors: Record<Role, Actor> = {
    admin: await actor('admin', admin, 'user_admin'),
    creator: await actor('creator', creator, 'user_creator_free'),
    creatorPro: await actor('creatorPro', creatorPro, 'user_creator_pro'),
    student: await actor('student', student, 'user_student1'),
    member: await actor('member', member, memberId),
    stranger: { role: 'stranger', browser: new TestBrowser(), csrf: '', whopUserId: undefined },
  };
  // The roles the app sees must be the ones the tests name.
  for (const [name, expected] of [
    ['admin', 'admin'],
    ['creator', 'creator'],
    ['creatorPro', 'creator'],
    ['student', 'student'],
    ['member', 'member'],
  ] as const) {
    const me = JSON.parse((await actors[name].browser.get(`${t.appUrl}/api/me`)).text) as { role: string };
    if (me.role !== expected) throw new Error(`${name} has role ${me.role}, expected ${expected}`);
  }
  return { t, actors, counts: () => tableCounts(t.runtime.deps.sequelize) };
}

/**
 * What a refused request must not change: row counts, AI credits spent, webhook event states,
 * creators' tiers and owners.
 */
export async function stateSnapshot(sequelize: Sequelize): Promise<Record<string, unknown>> {
  const [extra] = await sequelize.query<Record<string, unknown>>(
    `SELECT (SELECT coalesce(sum(ai_credits_used), 0)::text FROM usage_metrics) AS ai_credits,
            (SELECT coalesce(string_agg(id || ':' || status || ':' || attempts, ',' ORDER BY id), '') FROM webhook_events) AS webhook_events,
            (SELECT coalesce(string_agg(whop_company_id || ':' || tier || ':' || owner_user_id, ',' ORDER BY id), '') FROM creators) AS creators,
            (SELECT coalesce(string_agg(creator_id || ':' || whop_user_id || ':' || status, ',' ORDER BY id), '') FROM students) AS students,
            (SELECT coalesce(string_agg(id || ':' || title || ':' || position, ',' ORDER BY id), '') FROM videos) AS video_rows`,
    { type: QueryTypes.SELECT },
  );
  return { ...(await tableCounts(sequelize)), ...extra };
}

export interface AppRequestOptions {
  /** Sent as is, with `contentType` (none when omitted). */
  body?: string | Buffer;
  contentType?: string;
  /** Where the actor's CSRF token goes: the `x-csrf-token` header (default), nowhere, or a given value in the header. */
  csrf?: 'header' | 'none' | { header: string };
  headers?: Record<string, string>;
}

export interface AppResponse {
  status: number;
  location: string | null;
  contentType: string;
  text: string;
  headers: Headers;
}

/** One request as `actor` (their cookie, optionally their CSRF token), redirects not followed. */
export async function appRequest(
  t: ChronosWithSandbox,
  actor: Actor,
  method: string,
  path: string,
  options: AppRequestOptions = {},
): Promise<AppResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const cookie = actor.browser.cookieHeader(t.appUrl);
  if (cookie) headers.cookie = cookie;
  if (options.contentType) headers['content-type'] = options.contentType;
  const csrf = options.csrf ?? 'header';
  if (csrf === 'header' && actor.csrf) headers['x-csrf-token'] = actor.csrf;
  else if (typeof csrf === 'object') headers['x-csrf-token'] = csrf.header;
  const response = await fetch(`${t.appUrl}${path}`, { method, headers, body: options.body, redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
    headers: response.headers,
  };
}

/** The cookie header a browser would send to the app (for raw requests). */
export function cookieOf(t: ChronosWithSandbox, actor: Actor): string {
  return actor.browser.cookieHeader(t.appUrl);
}

/** Whether the app still answers its liveness probe. */
export async function stillUp(appUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${appUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** A stored webhook event that failed for good, as the admin page lists it (for replay tests). */
export async function insertDeadEvent(sequelize: Sequelize, id: string, companyId: string): Promise<void> {
  await sequelize.query(
    `INSERT INTO webhook_events (id, type, company_id, payload, status, attempts, last_error, received_at)
     VALUES (:id, 'membership.activated', :companyId, :payload::jsonb, 'dead', 8, 'PermanentEventError: test', now())`,
    {
      replacements: {
        id,
        companyId,
        payload: JSON.stringify({ type: 'membership.activated', company_id: companyId, data: {} }),
      },
    },
  );
}

export async function eventStatus(sequelize: Sequelize, id: string): Promise<string | undefined> {
  const [row] = await sequelize.query<{ status: string }>('SELECT status FROM webhook_events WHERE id = :id', {
    replacements: { id },
    type: QueryTypes.SELECT,
  });
  return row?.status;
}
