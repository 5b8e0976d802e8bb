/**
 * Thousands of malformed, forged and hostile deliveries to `POST /api/whop/webhook`, drawn from a
 * fixed seed (printed on failure). Whop's contract (SPEC §6): a 4xx for anything forged, stale or
 * malformed, never a 5xx while storage works, only correctly signed valid envelopes stored, and
 * the worker takes every stored event to an end state without throwing.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { SeededRandom, reportSeedOnFailure } from './support/seeded-random.ts';
import { rawRequest, inPool, type RawResponse } from './support/raw-http.ts';
import { WebhookFuzzer, type FuzzCase } from './support/webhook-fuzz-cases.ts';
import { startSecurityCast, stillUp } from './support/security-fixture.ts';

const RECEPTION_SEED = 20_260_501;
const PROCESSING_SEED = 20_260_502;
const CASES = 2_500;
const CONCURRENCY = 8;
const END_STATES = ['processed', 'ignored', 'skipped', 'dead'];

interface Row {
  id: string;
  type: string;
  status: string;
}

function describeCase(seed: number, c: FuzzCase, response: RawResponse | undefined, problem: string): string {
  const body = Buffer.isBuffer(c.request.body) ? c.request.body : Buffer.from(c.request.body ?? '');
  return `seed ${seed} case #${c.index} "${c.label}" (${c.request.method} ${c.request.target.slice(0, 80)}, ${body.length} B body): ${problem}; got ${response?.status ?? 'no answer'} ${response?.text.slice(0, 120) ?? ''}`;
}

/** Sends the cases and checks each answer against its expectation; returns the ids that were answered 200. */
async function deliverAll(
  t: ChronosWithSandbox,
  seed: number,
  cases: FuzzCase[],
  failures: string[],
): Promise<Set<string>> {
  const acceptedIds = new Set<string>();
  await inPool(cases, CONCURRENCY, async (c, i) => {
    let response: RawResponse | undefined;
    try {
      response = await rawRequest(t.appUrl, c.request);
    } catch (error) {
      failures.push(describeCase(seed, c, undefined, (error as Error).message));
      return;
    }
    const { status } = response;
    if (status === 0 || status >= 500) failures.push(describeCase(seed, c, response, 'a 5xx or no answer'));
    else if (status === 200) {
      if (!c.storable || !c.webhookId)
        failures.push(
          describeCase(seed, c, response, 'accepted a delivery that is not a correctly signed storable envelope'),
        );
      else acceptedIds.add(c.webhookId);
    } else if (c.expect === 'accept')
      failures.push(describeCase(seed, c, response, 'refused a correctly signed valid envelope'));
    else if (status < 400) failures.push(describeCase(seed, c, response, 'neither 200 nor a 4xx'));
    if (i % 250 === 249 && !(await stillUp(t.appUrl)))
      failures.push(`seed ${seed}: /healthz stopped answering after case #${c.index}`);
  });
  return acceptedIds;
}

function webhookRows(t: ChronosWithSandbox): Promise<Row[]> {
  return t.runtime.deps.sequelize.query<Row>('SELECT id, type, status FROM webhook_events', {
    type: QueryTypes.SELECT,
  });
}

/** Drains the inbox (the worker must not throw) and returns the events that are not in an end state, and the counts by status. */
async function drainToEndStates(
  t: ChronosWithSandbox,
): Promise<{ stuck: Row[]; byStatus: Record<string, number>; elapsed: number }> {
  const started = Date.now();
  await t.drain();
  const elapsed = Date.now() - started;
  const rows = await webhookRows(t);
  const byStatus = rows.reduce<Record<string, number>>(
    (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
    {},
  );
  return { stuck: rows.filter((r) => !END_STATES.includes(r.status)), byStatus, elapsed };
}

function errorLogLines(t: ChronosWithSandbox): string[] {
  return t.logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

describe('webhook receiver under hostile input (seeded fuzz)', function () {
  this.timeout(180_000);
  let t: ChronosWithSandbox;
  let random: SeededRandom;
  /** The receiver's clock and the fuzzer's: the moment every delivery is signed and checked. */
  let signingTimeMs = 0;

  before(async () => {
    // Failed events retry at once, so a drain ends with every event in an end state. Signatures
    // are checked against a clock that stands still: a case stamped 330 s off stays 330 s off
    // however long the run takes.
    signingTimeMs = Date.now();
    t = (await startSecurityCast({ services: { webhookBackoffMs: () => 0, now: () => signingTimeMs } })).t;
  });
  after(() => t?.close());
  beforeEach(async () => {
    await t.runtime.deps.sequelize.query('DELETE FROM webhook_events');
  });
  afterEach(function () {
    reportSeedOnFailure(this, random, 'webhook fuzz');
  });

  it(`answers ${CASES} malformed, forged and hostile deliveries with a 4xx (never a 5xx), stores exactly the correctly signed valid envelopes, keeps answering /healthz, and the worker takes what it stored to an end state`, async () => {
    random = new SeededRandom(RECEPTION_SEED);
    const fuzzer = new WebhookFuzzer(random, t.config.whop.webhookSecrets[0]!, () => Math.floor(signingTimeMs / 1000));
    const cases: FuzzCase[] = [];
    for (let i = 0; i < CASES; i += 1) {
      const roll = random.next();
      if (roll < 0.38) cases.push(fuzzer.headerAttack());
      else if (roll < 0.63) cases.push(fuzzer.bodyAttack());
      else if (roll < 0.75) cases.push(fuzzer.transportAttack());
      else if (roll < 0.82) cases.push(fuzzer.signedHostile());
      else if (roll < 0.97 || fuzzer.accepted.length === 0) cases.push(fuzzer.valid());
      else cases.push(fuzzer.duplicate());
    }
    const errorsBefore = errorLogLines(t).length;
    const failures: string[] = [];
    const started = Date.now();
    const acceptedIds = await deliverAll(t, RECEPTION_SEED, cases, failures);
    const elapsed = Date.now() - started;

    expect(
      failures,
      `${failures.length} of ${CASES} cases went wrong; the first:\n${failures.slice(0, 25).join('\n')}`,
    ).to.deep.equal([]);
    expect(await stillUp(t.appUrl), '/healthz after the fuzz').to.equal(true);
    const rows = await webhookRows(t);
    const mustStore = new Set(cases.filter((c) => c.expect === 'accept').map((c) => c.webhookId!));
    expect(rows.map((r) => r.id).sort(), 'stored rows = the ids answered 200').to.deep.equal([...acceptedIds].sort());
    for (const id of mustStore) expect(acceptedIds.has(id), `valid delivery ${id} stored`).to.equal(true);
    expect(rows.every((r) => r.status === 'pending')).to.equal(true);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    expect(errorLogLines(t).slice(errorsBefore), 'error-level log lines (5xx)').to.deep.equal([]);
    process.stdout.write(
      `      ${CASES} deliveries in ${elapsed} ms; ${rows.length} stored (${mustStore.size} had to be)\n`,
    );
    const drained = await drainToEndStates(t);
    expect(drained.stuck, `events not in an end state: ${JSON.stringify(drained.stuck.slice(0, 10))}`).to.deep.equal(
      [],
    );
    process.stdout.write(`      drained in ${drained.elapsed} ms: ${JSON.stringify(drained.byStatus)}\n`);
  });

  it('takes every stored event with hostile data to processed, ignored, skipped or dead, and the worker never throws', async () => {
    random = new SeededRandom(PROCESSING_SEED);
    const fuzzer = new WebhookFuzzer(random, t.config.whop.webhookSecrets[0]!, () => Math.floor(signingTimeMs / 1000));
    const cases: FuzzCase[] = Array.from({ length: 400 }, (_, i) =>
      i % 5 === 4 ? fuzzer.signedHostile() : fuzzer.valid(),
    );
    const failures: string[] = [];
    const acceptedIds = await deliverAll(t, PROCESSING_SEED, cases, failures);
    expect(failures, failures.slice(0, 25).join('\n')).to.deep.equal([]);

    const { stuck, byStatus, elapsed } = await drainToEndStates(t);
    expect(await webhookRows(t)).to.have.length(acceptedIds.size);
    expect(stuck, `events not in an end state: ${JSON.stringify(stuck.slice(0, 10))}`).to.deep.equal([]);
    expect(byStatus.processed ?? 0, 'some hostile-but-valid events were applied').to.be.greaterThan(0);
    expect(byStatus.dead ?? 0, 'events whose data is not a membership or payment went dead').to.be.greaterThan(0);
    expect(await stillUp(t.appUrl)).to.equal(true);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    process.stdout.write(`      ${acceptedIds.size} events drained in ${elapsed} ms: ${JSON.stringify(byStatus)}\n`);
  });
});
