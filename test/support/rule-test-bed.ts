/**
 * The setup every database-level rule test shares, in one place: a test app on its own
 * database, the rule services on a clock that stands still until the test moves it, clean
 * tables and the clock back at `start` before each test, and (when asked) a creator with an
 * owner made afresh for each test. Call it at the top of a `describe`; it registers the hooks.
 */
import type { Transaction } from 'sequelize';
import { startTestApp, type TestApp } from './test-runtime.ts';
import { cleanTables } from './table-cleaner.ts';
import { makeFactories } from './factories.ts';
import { ruleServices, type RuleServices } from './rule-services.ts';
import { testClock, type TestClock } from './test-clock.ts';
import type { Creator } from '../../src/models/creator-model.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

export interface RuleTestBedOptions {
  /** Makes a creator on this tier, with an owner, before each test (`bed.creator`, `bed.ownerId`). */
  creatorTier?: Tier;
  /** The owner's email, when the test reads the mails sent to it. */
  ownerEmail?: string;
  /** Runs after the tables are cleaned (and the creator made), before each test. */
  seed?: (bed: RuleTestBed) => Promise<unknown>;
}

export interface RuleTestBed {
  readonly clock: TestClock;
  /** The following are set once the `before` hook has run. */
  app: TestApp;
  rules: RuleServices;
  sequelize: TestApp['runtime']['deps']['sequelize'];
  models: TestApp['runtime']['deps']['models'];
  config: TestApp['runtime']['deps']['config'];
  /** Set before each test when `creatorTier` is given. */
  creator: Creator;
  /** The creator's owner's Whop user id. */
  ownerId: string;
  factories(): ReturnType<typeof makeFactories>;
  /** Runs `work` in one transaction, as the webhook worker runs a handler. */
  inTransaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** The Whop product that grants `tier` (WHOP_TIER_PRODUCTS of the test config). */
  planProductOf(tier: Exclude<Tier, 'free'>): string;
}

export function useRuleTestBed(start: number, options: RuleTestBedOptions = {}): RuleTestBed {
  const bed = {
    clock: testClock(start),
    factories: () => makeFactories(bed.models),
    inTransaction: <T>(work: (transaction: Transaction) => Promise<T>) => bed.sequelize.transaction(work),
    planProductOf: (tier: Exclude<Tier, 'free'>) => {
      const found = Object.entries(bed.config.whop.tierProducts).find(([, granted]) => granted === tier);
      if (!found) throw new Error(`no product grants ${tier} in the test config`);
      return found[0];
    },
  } as RuleTestBed;

  before(async () => {
    bed.app = await startTestApp();
    bed.rules = ruleServices(bed.app, bed.clock);
    ({ sequelize: bed.sequelize, models: bed.models, config: bed.config } = bed.app.runtime.deps);
  });
  after(() => bed.app.close());
  beforeEach(async () => {
    bed.clock.set(start);
    await cleanTables(bed.sequelize);
    if (options.creatorTier) {
      const f = bed.factories();
      const owner = await f.user(options.ownerEmail ? { email: options.ownerEmail } : {});
      bed.ownerId = owner.whopUserId;
      bed.creator = await f.creator({ ownerUserId: owner.id, tier: options.creatorTier });
    }
    await options.seed?.(bed);
  });
  return bed;
}
