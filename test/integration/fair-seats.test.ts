/**
 * Fair seats under concurrency (issue 18): 20 students join a Free creator (10 seats) and 5 of
 * them cancel. The deliveries reach the webhook route signed as Whop signs them, in an order
 * and with duplicates drawn from a seeded random generator, while four workers process the
 * inbox at once on their own database connections. Whatever the order, the seat holders are
 * the 10 earliest joiners (membership `created_at`, ties on the membership id) among those who
 * stayed; the rest wait, the cancelled are inactive, and no free seat sits next to a waiting
 * student.
 */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { makeFactories } from '../support/factories.ts';
import { deliver, delivery, type Delivery } from '../support/webhook-deliveries.ts';
import { nestedMembership } from '../fixtures/whop/memberships.ts';
import { nestedEnvelope } from '../fixtures/whop/envelopes.ts';
import { TIER_TABLE } from '../../src/domain/tier-table.ts';

const SEATS = TIER_TABLE.free.limits.students!;
const JOINS = 20;
const CANCELS = 5;
const WORKERS = 4;
const SEEDS = [1, 7, 42, 1234, 99_991];

/** mulberry32: a small seeded generator, so a failing order can be replayed from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Join {
  membershipId: string;
  userId: string;
  createdAt: Date;
}

const BASE = Date.parse('2026-11-01T09:00:00Z');

/** The 20 joins: join times drawn from 8 instants, so ties (settled by membership id) happen. */
function joinsFor(seed: number): Join[] {
  const random = seeded(seed);
  return Array.from({ length: JOINS }, (_, i) => ({
    membershipId: `mem_${Math.floor(random() * 36 ** 6).toString(36)}${i}`,
    userId: `user_s${seed}_${i}`,
    createdAt: new Date(BASE + Math.floor(random() * 8) * 60_000),
  }));
}

/** What the rule says, computed independently of Chronos: sorted by join time, then membership id. */
function expectedHolders(stayed: Join[]): string[] {
  const byMembershipId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...stayed]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byMembershipId(a.membershipId, b.membershipId))
    .slice(0, SEATS)
    .map((j) => j.userId)
    .sort();
}

describe('fair seats: concurrent, shuffled, duplicated deliveries always seat the same students', function () {
  this.timeout(240_000);
  let t: TestApp;
  let server: Server;
  let appUrl: string;

  before(async () => {
    t = await startTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  /** `population` draws the joins and who cancels; `order` draws the delivery order and duplicates. */
  async function runScenario(population: number, order: number) {
    await cleanTables(t.runtime.deps.sequelize);
    const f = makeFactories(t.runtime.deps.models);
    const creator = await f.creator({ tier: 'free' });
    const company = creator.whopCompanyId;
    const joins = joinsFor(population);
    const cancelled = new Set(shuffle(joins, seeded(population + 1)).slice(0, CANCELS));
    const random = seeded(order);
    const event = (j: Join, type: string, status: string, updatedAt: Date) =>
      delivery(
        nestedEnvelope(
          type,
          company,
          nestedMembership({
            id: j.membershipId,
            company,
            product: 'prod_course',
            user: j.userId,
            status,
            createdAt: j.createdAt,
            updatedAt,
          }),
          updatedAt,
        ),
      );
    const events: Delivery[] = [
      ...joins.map((j) => event(j, 'membership.activated', 'active', new Date(j.createdAt.getTime() + 1000))),
      ...[...cancelled].map((j) =>
        event(j, 'membership.deactivated', 'canceled', new Date(j.createdAt.getTime() + 3_600_000)),
      ),
    ];
    // Duplicates: Whop's retries (same webhook-id) and the same event sent again under a new id.
    const retries = events.filter(() => random() < 0.3);
    const resent = events.filter(() => random() < 0.2).map((d) => delivery(JSON.parse(d.body)));
    const deliveries = shuffle([...events, ...retries, ...resent], random);

    const secret = t.config.whop.webhookSecrets[0]!;
    let delivering = true;
    const send = (async () => {
      for (let i = 0; i < deliveries.length; i += 5) {
        const statuses = await Promise.all(deliveries.slice(i, i + 5).map((d) => deliver(appUrl, secret, d)));
        expect(statuses.every((s) => s === 200)).to.equal(true);
      }
      delivering = false;
    })();
    const work = async () => {
      for (;;) {
        const r = await t.runtime.deps.services.webhooks.runOnce(1);
        expect(r.failed + r.dead, 'no event fails').to.equal(0);
        if (r.processed + r.lost === 0 && !delivering) return;
      }
    };
    await Promise.all([send, ...Array.from({ length: WORKERS }, work)]);

    const rows = await t.runtime.deps.models.Student.findAll({ where: { creatorId: creator.id } });
    const having = (status: string) =>
      rows
        .filter((r) => r.status === status)
        .map((r) => r.whopUserId)
        .sort();
    const stayed = joins.filter((j) => !cancelled.has(j));
    const holders = expectedHolders(stayed);
    return {
      active: having('active'),
      waiting: having('over_limit'),
      inactive: having('inactive'),
      holders,
      expectedWaiting: stayed
        .map((j) => j.userId)
        .filter((u) => !holders.includes(u))
        .sort(),
      expectedInactive: [...cancelled].map((j) => j.userId).sort(),
    };
  }

  for (const population of [42, 2026]) {
    it(`joins of seed ${population}: every delivery order seats the ${SEATS} earliest joiners who stayed`, async () => {
      const seen = new Set<string>();
      for (const order of SEEDS) {
        const outcome = await runScenario(population, order);
        expect(outcome.active, `seat holders, order ${order}`).to.deep.equal(outcome.holders);
        expect(outcome.waiting, `waiting, order ${order}`).to.deep.equal(outcome.expectedWaiting);
        expect(outcome.inactive, `cancelled, order ${order}`).to.deep.equal(outcome.expectedInactive);
        seen.add(outcome.active.join(','));
      }
      expect(seen.size, 'one set of seat holders for every order').to.equal(1);
    });
  }
});
