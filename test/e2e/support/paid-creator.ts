/**
 * The set-up of the journeys that run their own Chronos (real HTTP, real PostgreSQL, the sandbox
 * beside it) so that a creator's tier and ready videos exist before the browser starts: Fran Free
 * (`user_creator_free`) pays for a plan on Whop, onboards `biz_creator1`, and the webhooks are
 * processed, so the creator is on that tier; then the given videos are stored, ready to play.
 */
import { expect } from 'chai';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../../support/chronos-with-sandbox.ts';
import { onboard } from '../../support/onboarding.ts';
import { playableVideo } from '../../support/media-fixtures.ts';
import { dropTestDatabase } from '../../support/test-runtime.ts';
import { stopEmbeddedTestServer } from '../../support/test-database.ts';

const PLAN_PRODUCTS = { basic: 'prod_basic', pro: 'prod_pro' } as const;

export interface PaidCreator {
  t: ChronosWithSandbox;
  /** The Whop membership of the plan the creator paid for (cancel it to downgrade). */
  planMembershipId: string;
}

/** Starts a Chronos whose `biz_creator1` is run by `user_creator_free` on `tier`, with `videos` ready (in order). */
export async function startWithPaidCreator(tier: keyof typeof PLAN_PRODUCTS, videos: string[]): Promise<PaidCreator> {
  const t = await startChronosWithSandbox();
  const planMembershipId = (await t.control.pay('user_creator_free', PLAN_PRODUCTS[tier])).membershipId!;
  await onboard(t, await t.signIn('user_creator_free'), 'biz_creator1');
  await t.drain();
  const creator = await t.runtime.deps.models.Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } });
  expect(creator!.tier, `the creator is on ${tier}`).to.equal(tier);
  const deps = { models: t.runtime.deps.models, storage: t.runtime.deps.services.mediaStorage };
  for (const [index, title] of videos.entries()) await playableVideo(deps, creator!.id, { title, position: index + 1 });
  return { t, planMembershipId };
}

/** Stops a Chronos started by `startWithPaidCreator` and removes its database. */
export async function stopPaidCreatorChronos(t: ChronosWithSandbox | undefined): Promise<void> {
  await t?.close();
  await dropTestDatabase();
  await stopEmbeddedTestServer();
}
