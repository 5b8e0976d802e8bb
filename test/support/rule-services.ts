/**
 * The business-rule services wired on a test app's real database by the app's own wiring
 * (src/services/composition/rule-wiring.ts), but on a movable clock: `clock.set(ms)` /
 * `clock.advance(ms)` is what "now" is for every service built here. No Whop call is made by the rules these tests drive (the plan
 * memberships come from the database), so the app's own Whop client and cache are reused.
 */
import type { TestApp } from './test-runtime.ts';
import { capturingLogger } from './test-runtime.ts';
import type { TestClock } from './test-clock.ts';
import { buildEventHandlers, buildRules } from '../../src/services/composition/rule-wiring.ts';
import { logRecords } from './log-records.ts';

export const DAY_MS = 86_400_000;

export { testClock } from './test-clock.ts';

export function ruleServices(t: TestApp, clock: TestClock) {
  const { config, sequelize, models, services } = t.runtime.deps;
  const { logger, lines: logLines } = capturingLogger();
  const inputs = {
    config,
    sequelize,
    models,
    whop: services.whop,
    cache: services.cache,
    logger,
    now: () => clock.now(),
  };
  const { students, tiers, grace, usage } = buildRules(inputs);
  return {
    students,
    tiers,
    grace,
    usage,
    logLines,
    /** The structured log records written so far. */
    logRecords: () => logRecords(logLines),
    handlers: buildEventHandlers(inputs, { students, tiers, grace }),
  };
}

export type RuleServices = ReturnType<typeof ruleServices>;
