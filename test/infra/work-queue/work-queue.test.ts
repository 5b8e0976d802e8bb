/**
 * The work queue's rules, each on a real PostgreSQL table of its own (the columns the webhook
 * inbox and the email outbox share), on a clock the test moves: claim, lease, lost claim,
 * settle only if still mine (one row or many), backoff, hand-back after an outage, dead, replay,
 * claims of one group, a batch handled whole or one row at a time.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { ConnectionError, QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../../src/db/database.ts';
import {
  createWorkQueue,
  type Claim,
  type QueueTable,
  type WorkQueueDeps,
} from '../../../src/infra/work-queue/work-queue.ts';
import { exponentialBackoff } from '../../../src/infra/work-queue/backoff.ts';
import { testDatabase } from '../../support/test-runtime.ts';
import { dateClock, type DateClock } from '../../support/test-clock.ts';

const TABLE = `queue_items_${process.pid}`;
const ITEMS: QueueTable = {
  name: TABLE,
  claimedStatus: 'processing',
  settledAt: 'done_at',
  returning: 'label',
  order: 'next_attempt_at, id',
  idType: 'integer',
};
const LEASE_MS = 60_000;
const MINUTE = 60_000;

interface Item {
  label: string;
}

interface Row {
  id: number;
  label: string;
  effect: string | null;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  claim_token: string | null;
  last_error: string | null;
  done_at: Date | null;
}

const outage = () =>
  new ConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

describe('work queue', () => {
  let sequelize: Sequelize;
  let other: Sequelize;
  let clock: DateClock;

  before(async () => {
    const { url } = await testDatabase();
    sequelize = createSequelize(url, pino({ level: 'silent' }));
    other = createSequelize(url, pino({ level: 'silent' }));
    await sequelize.query(`CREATE TABLE ${TABLE} (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL, effect text,
      status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL,
      locked_until timestamptz, claim_token uuid, last_error text, done_at timestamptz, grp text)`);
  });
  after(async () => {
    await sequelize.query(`DROP TABLE ${TABLE}`);
    await other.close();
    await sequelize.close();
  });
  beforeEach(async () => {
    await sequelize.query(`TRUNCATE ${TABLE}`);
    clock = dateClock();
  });

  const queueOn = (db: Sequelize, overrides: Partial<WorkQueueDeps> = {}) =>
    createWorkQueue(ITEMS, {
      sequelize: db,
      maxAttempts: 3,
      leaseMs: LEASE_MS,
      backoffMs: (failures) => failures * MINUTE,
      now: clock.now,
      ...overrides,
    });
  const add = async (...labels: string[]) => {
    for (const label of labels)
      await sequelize.query(`INSERT INTO ${TABLE} (label, next_attempt_at) VALUES ($1, $2::timestamptz)`, {
        bind: [label, clock.now().toISOString()],
      });
  };
  const rows = () => sequelize.query<Row>(`SELECT * FROM ${TABLE} ORDER BY id`, { type: QueryTypes.SELECT });
  const row = async (label: string) => (await rows()).find((r) => r.label === label)!;
  const labels = (claims: Claim<Item>[]) => claims.map((c) => c.label).sort();

  it('claims due rows only, each with an attempt counted, a token and a lease', async () => {
    await add('due');
    await sequelize.query(`INSERT INTO ${TABLE} (label, next_attempt_at) VALUES ('later', $1::timestamptz)`, {
      bind: [new Date(clock.now().getTime() + MINUTE).toISOString()],
    });
    const [claim, ...none] = await queueOn(sequelize).claim<Item>(10);
    expect(none).to.deep.equal([]);
    expect(claim).to.include({ label: 'due', attempts: 1 });
    expect(claim!.lockedUntil.getTime()).to.equal(clock.now().getTime() + LEASE_MS);
    expect(await row('due')).to.include({ status: 'processing', attempts: 1, claim_token: claim!.claimToken });
    expect((await row('later')).status).to.equal('pending');
  });

  it('does not claim a row again while its lease runs, and takes it over with a new token once it lapsed', async () => {
    await add('a');
    const queue = queueOn(sequelize);
    const [first] = await queue.claim<Item>(10);
    clock.advance(LEASE_MS - 1);
    expect(await queue.claim<Item>(10), 'lease still running').to.deep.equal([]);
    clock.advance(2);
    const [again] = await queue.claim<Item>(10);
    expect(again).to.include({ label: 'a', attempts: 2 });
    expect(again!.claimToken).to.not.equal(first!.claimToken);
  });

  it('skips rows another transaction holds instead of waiting for them', async () => {
    await add('held', 'free');
    const holder = await other.transaction();
    try {
      await other.query(`SELECT id FROM ${TABLE} WHERE label = 'held' FOR UPDATE`, { transaction: holder });
      expect(labels(await queueOn(sequelize).claim<Item>(10))).to.deep.equal(['free']);
    } finally {
      await holder.commit();
    }
  });

  it('settles a row only while the claim is still its own: a lost claim writes nothing, and its effects roll back', async () => {
    await add('a');
    const queue = queueOn(sequelize);
    const [lapsed] = await queue.claim<Item>(10);
    clock.advance(LEASE_MS + 1);
    const [current] = await queueOn(other).claim<Item>(10);
    // As the webhook worker does: a settle that finds the claim gone rolls the handler's effects back.
    const applied = await sequelize
      .transaction(async (transaction) => {
        await sequelize.query(`UPDATE ${TABLE} SET effect = 'applied by the lapsed claim'`, { transaction });
        if (!(await queue.settle(lapsed!, { status: 'processed', transaction }))) throw new Error('claim lost');
        return 'settled';
      })
      .catch((error: Error) => error.message);
    expect(applied).to.equal('claim lost');
    expect(await queue.fail(lapsed!, 'late failure')).to.deep.include({ settled: false });
    await queue.handBack([lapsed!]);
    expect(await row('a')).to.include({
      status: 'processing',
      attempts: 2,
      claim_token: current!.claimToken,
      last_error: null,
      effect: null,
    });

    expect(await queue.settle(current!, { status: 'processed', columns: { effect: 'done' } })).to.equal(true);
    expect(await row('a')).to.deep.include({
      status: 'processed',
      effect: 'done',
      claim_token: null,
      locked_until: null,
      done_at: clock.now(),
    });
  });

  it('commits the settle with the handler’s effects, without waiting for the disk only when asked', async () => {
    await add('a', 'b');
    const queue = queueOn(sequelize);
    const [a, b] = (await queue.claim<Item>(10)).sort((x, y) => x.label.localeCompare(y.label));
    const setting = async () =>
      (
        await sequelize.query<{ value: string }>("SELECT current_setting('synchronous_commit') AS value", {
          type: QueryTypes.SELECT,
        })
      )[0]!.value;
    const serverDefault = await setting();
    // Each transaction starts with commits flushed (test servers may run without), so the settle's own change shows.
    const settingAfter = (claim: Claim<Item>, commitWithoutFlush: boolean) =>
      sequelize.transaction(async (transaction) => {
        await sequelize.query('SET LOCAL synchronous_commit = on', { transaction });
        await queue.settle(claim, { status: 'processed', transaction, commitWithoutFlush });
        const [setting] = await sequelize.query<{ value: string }>(
          "SELECT current_setting('synchronous_commit') AS value",
          { type: QueryTypes.SELECT, transaction },
        );
        return setting!.value;
      });
    expect(await settingAfter(a!, true)).to.equal('off');
    expect(await settingAfter(b!, false)).to.equal('on');
    expect(await setting(), 'for that transaction only').to.equal(serverDefault);
    expect((await rows()).map((r) => r.status)).to.deep.equal(['processed', 'processed']);
  });

  it('retries a failure after its backoff, then keeps it dead with the error after the last attempt', async () => {
    await add('a');
    const queue = queueOn(sequelize);
    for (const [attempt, expected] of [
      [1, 'retry'],
      [2, 'retry'],
      [3, 'dead'],
    ] as const) {
      const [claim] = await queue.claim<Item>(10);
      expect(claim, `attempt ${attempt} claimed`).to.include({ attempts: attempt });
      expect(await queue.fail(claim!, `boom ${attempt}`)).to.deep.include({ outcome: expected, settled: true });
      if (expected === 'dead') break;
      expect((await row('a')).next_attempt_at.getTime()).to.equal(clock.now().getTime() + attempt * MINUTE);
      clock.advance(attempt * MINUTE - 1);
      expect(await queue.claim<Item>(10), 'not before its backoff').to.deep.equal([]);
      clock.advance(1);
    }
    expect(await row('a')).to.include({ status: 'dead', attempts: 3, last_error: 'boom 3', claim_token: null });
    clock.advance(24 * 60 * MINUTE);
    expect(await queue.claim<Item>(10), 'a dead row is never claimed').to.deep.equal([]);
  });

  it('makes a row dead at its first permanent failure', async () => {
    await add('a');
    const queue = queueOn(sequelize);
    const [claim] = await queue.claim<Item>(10);
    expect(await queue.fail(claim!, 'never valid', true)).to.deep.include({ outcome: 'dead' });
    expect(await row('a')).to.include({ status: 'dead', attempts: 1, last_error: 'never valid' });
  });

  it('hands back the unsettled claims of a batch cut by an outage, attempts not counted, at the next claim', async () => {
    await add('a', 'b', 'c');
    const queue = queueOn(sequelize);
    const handled: string[] = [];
    const cut = (handBackInFlight: boolean) =>
      queue.runBatch<Item, 'done'>(
        { done: 0 },
        {
          limit: 10,
          order: (x, y) => x.label.localeCompare(y.label),
          handBackInFlight,
          handle: async (claim) => {
            if (claim.label === 'b') throw outage();
            handled.push(claim.label);
            await queue.settle(claim, { status: 'processed' });
            return 'done';
          },
        },
      );
    const error = await cut(true).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectionError);
    expect((await rows()).map((r) => [r.label, r.status, r.attempts])).to.deep.equal([
      ['a', 'processed', 1],
      ['b', 'processing', 1],
      ['c', 'processing', 1],
    ]);

    // The database answers again: the next claim first hands them back, due at once, then takes them.
    const [b, c] = (await queue.claim<Item>(10)).sort((x, y) => x.label.localeCompare(y.label));
    expect([b!.label, b!.attempts, c!.label, c!.attempts]).to.deep.equal(['b', 1, 'c', 1]);
    await queue.handBack([b!, c!]);
    expect((await rows()).map((r) => [r.label, r.status, r.attempts])).to.deep.equal([
      ['a', 'processed', 1],
      ['b', 'pending', 0],
      ['c', 'pending', 0],
    ]);

    // A row whose effects may have left (a sent mail) stays claimed until its lease lapses.
    await cut(false).catch(() => undefined);
    expect(
      (await queue.claim<Item>(10)).map((claim) => [claim.label, claim.attempts]),
      'c handed back, not counted; b not',
    ).to.deep.equal([['c', 1]]);
    expect(await row('b'), 'b waits out its lease').to.include({ status: 'processing', attempts: 1 });
    expect(handled).to.deep.equal(['a']);
  });

  it('hands back the rest of a batch, unhandled and not counted, once the lease runs low', async () => {
    await add('a', 'b');
    const queue = queueOn(sequelize);
    let low = 0;
    const counts = await queue.runBatch<Item, 'done'>(
      { done: 0 },
      {
        limit: 10,
        order: (x, y) => x.label.localeCompare(y.label),
        handBackInFlight: true,
        minLeaseLeftMs: 30_000,
        onLeaseLow: (n) => (low = n),
        handle: async (claim) => {
          clock.advance(LEASE_MS - 20_000);
          await queue.settle(claim, { status: 'processed' });
          return 'done';
        },
      },
    );
    expect(counts).to.deep.equal({ done: 1 });
    expect(low).to.equal(1);
    expect(await row('b')).to.include({ status: 'pending', attempts: 0, claim_token: null, locked_until: null });
  });

  it('replays a dead row with fresh attempts, but never one in hand', async () => {
    await add('a', 'b');
    const queue = queueOn(sequelize, { maxAttempts: 1 });
    const [a, b] = (await queue.claim<Item>(10)).sort((x, y) => x.label.localeCompare(y.label));
    await queue.fail(a!, 'boom');
    expect(await queue.replay(a!.id)).to.equal(true);
    expect(await row('a')).to.include({ status: 'pending', attempts: 0 });
    expect(await queue.replay(b!.id), 'b is being handled').to.equal(false);
    expect((await queue.claim<Item>(10)).map((c) => c.label)).to.deep.equal(['a']);
  });

  describe('a queue whose claims take one group (groupBy)', () => {
    const grouped = (db: Sequelize) =>
      createWorkQueue(
        { ...ITEMS, groupBy: 'grp' },
        { sequelize: db, maxAttempts: 3, leaseMs: LEASE_MS, backoffMs: () => MINUTE, now: clock.now },
      );
    const addIn = async (grp: string | null, ...names: string[]) => {
      for (const label of names) {
        await sequelize.query(`INSERT INTO ${TABLE} (label, grp, next_attempt_at) VALUES ($1, $2, $3::timestamptz)`, {
          bind: [label, grp, clock.now().toISOString()],
        });
        clock.advance(1);
      }
    };

    it('takes the group of the oldest due row, and only that group’s due rows', async () => {
      await addIn('y', 'y1');
      await addIn('x', 'x1', 'x2');
      await addIn('y', 'y2');
      await sequelize.query(
        `UPDATE ${TABLE} SET next_attempt_at = next_attempt_at + interval '1 hour' WHERE label = 'y2'`,
      );
      const queue = grouped(sequelize);
      expect(labels(await queue.claim<Item>(10)), 'y1 is the oldest; y2 is not due').to.deep.equal(['y1']);
      expect(labels(await queue.claim<Item>(10))).to.deep.equal(['x1', 'x2']);
      expect(await queue.claim<Item>(10)).to.deep.equal([]);
    });

    it('gives concurrent claims different groups while the first holds its rows, and groups rows without a value too', async () => {
      await addIn('x', 'x1', 'x2');
      await addIn(null, 'n1', 'n2');
      await addIn('y', 'y1');
      const holder = await other.transaction();
      try {
        // A claim in flight: x's rows are locked until it commits.
        await other.query(`SELECT id FROM ${TABLE} WHERE grp = 'x' FOR UPDATE`, { transaction: holder });
        expect(labels(await grouped(sequelize).claim<Item>(10))).to.deep.equal(['n1', 'n2']);
        expect(labels(await grouped(sequelize).claim<Item>(10))).to.deep.equal(['y1']);
      } finally {
        await holder.commit();
      }
      expect(labels(await grouped(sequelize).claim<Item>(1)), 'the limit holds').to.deep.equal(['x1']);
    });
  });

  it('settles many rows in one statement, each only while its claim is still its own', async () => {
    await add('a', 'b', 'c');
    const queue = queueOn(sequelize);
    const claims = (await queue.claim<Item>(10)).sort((x, y) => x.label.localeCompare(y.label));
    clock.advance(LEASE_MS + 1);
    // c's lease lapsed and another worker took it over: its old claim must settle nothing.
    await sequelize.query(`UPDATE ${TABLE} SET locked_until = now() + interval '1 hour' WHERE label <> 'c'`);
    const [taken] = await queueOn(other).claim<Item>(10);
    expect(taken!.label).to.equal('c');
    const settled = await queue.settleAll(
      claims.map((claim) => ({
        claim,
        status: claim.label === 'a' ? 'processed' : 'skipped',
        columns: { effect: `of ${claim.label}` },
      })),
      {},
    );
    expect(settled).to.equal(2);
    expect(
      (await rows()).map((r) => [r.label, r.status, r.effect, r.claim_token === null, r.done_at?.getTime()]),
    ).to.deep.equal([
      ['a', 'processed', 'of a', true, clock.now().getTime()],
      ['b', 'skipped', 'of b', true, clock.now().getTime()],
      ['c', 'processing', null, false, undefined],
    ]);
  });

  describe('a batch handled whole (handleAll)', () => {
    const settleEach = (queue: ReturnType<typeof queueOn>) => async (claim: Claim<Item>) => {
      await queue.settle(claim, { status: 'processed' });
      return 'one' as const;
    };

    it('counts what the whole-batch handler says and hands no row to the one-row handler', async () => {
      await add('a', 'b');
      const queue = queueOn(sequelize);
      const one: string[] = [];
      const counts = await queue.runBatch<Item, 'whole' | 'one'>(
        { whole: 0, one: 0 },
        {
          limit: 10,
          handBackInFlight: true,
          handle: async (claim) => (one.push(claim.label), settleEach(queue)(claim)),
          handleAll: async (claims) => {
            await queue.settleAll(
              claims.map((claim) => ({ claim, status: 'processed' })),
              {},
            );
            return claims.map(() => 'whole' as const);
          },
        },
      );
      expect(counts).to.deep.equal({ whole: 2, one: 0 });
      expect(one).to.deep.equal([]);
      expect((await rows()).map((r) => r.status)).to.deep.equal(['processed', 'processed']);
    });

    it('hands the rows one at a time to the one-row handler when the whole-batch handler could not, and a lone row always', async () => {
      await add('a', 'b');
      const queue = queueOn(sequelize);
      let whole = 0;
      const run = () =>
        queue.runBatch<Item, 'one'>(
          { one: 0 },
          {
            limit: 10,
            handBackInFlight: true,
            handle: settleEach(queue),
            handleAll: async () => ((whole += 1), undefined),
          },
        );
      expect(await run()).to.deep.equal({ one: 2 });
      await add('c');
      expect(await run(), 'one row: no whole-batch attempt').to.deep.equal({ one: 1 });
      expect(whole).to.equal(1);
    });

    it('keeps every row of a batch cut by an outage for hand-back, attempts not counted', async () => {
      await add('a', 'b');
      const queue = queueOn(sequelize);
      const error = await queue
        .runBatch<Item, 'one'>(
          { one: 0 },
          {
            limit: 10,
            handBackInFlight: true,
            handle: settleEach(queue),
            handleAll: async () => {
              throw outage();
            },
          },
        )
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConnectionError);
      const again = await queue.claim<Item>(10);
      expect(again.map((c) => [c.label, c.attempts]).sort()).to.deep.equal([
        ['a', 1],
        ['b', 1],
      ]);
    });
  });

  it('backs off exponentially from its base, capped, with 50–100 % jitter', () => {
    const backoff = (random: number) => exponentialBackoff({ baseMs: 5_000, capMs: 60 * MINUTE }, () => random);
    expect([1, 2, 3].map(backoff(0))).to.deep.equal([2_500, 5_000, 10_000]);
    expect([1, 2, 3].map(backoff(1))).to.deep.equal([5_000, 10_000, 20_000]);
    expect(backoff(1)(30)).to.equal(60 * MINUTE);
    expect(backoff(0)(30)).to.equal(30 * MINUTE);
  });
});
