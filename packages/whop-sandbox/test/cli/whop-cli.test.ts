import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runWhopCli } from '../../src/cli/whop-cli.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';
import { verifyWithStandardWebhooks } from '../support/webhook-listener.ts';
import type { WebhookListener } from '../support/webhook-listener.ts';
import { startSandboxWithListener, type SandboxWithListener } from '../support/sandbox-with-listener.ts';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], sandboxUrl: string, webhookSecret = 'ws_cli_default'): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await runWhopCli(argv, { sandboxUrl, webhookSecret, stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('whop CLI', () => {
  let listener: WebhookListener;
  let sandbox: TestSandbox;
  let running: SandboxWithListener;

  before(async () => {
    running = await startSandboxWithListener({ installOnCreatorOne: true });
    ({ sandbox, listener } = running);
  });
  after(() => running.close());

  it('trigger membership.activated fires a signed event that reaches the app', async () => {
    sandbox.sandbox.core.memberships.setStatus('mem_seedstudent1', 'expired');
    await listener.waitFor(2);
    const run = await cli(
      ['trigger', 'membership.activated', '--user', 'user_student1', '--product', 'prod_course1'],
      sandbox.url,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/fired membership\.activated\s+event evt_\w+\s+webhook-id msg_\w+/);
    expect(run.stdout).to.match(/membership mem_seedstudent1 is active/);

    const received = await listener.waitFor(4);
    const envelopes = received.slice(2).map(
      (w) =>
        verifyWithStandardWebhooks(sandbox.options.app.webhookSecret, w) as {
          type: string;
          data: { id: string; status: string };
        },
    );
    const envelope = envelopes.find((e) => e.type === 'membership.activated');
    if (!envelope) throw new Error('no membership.activated delivered');
    expect(envelopes.map((e) => e.type)).to.have.members(['membership.activated', 'membership.updated']);
    expect([envelope.data.id, envelope.data.status]).to.deep.equal(['mem_seedstudent1', 'active']);
  });

  it('sign prints headers that standardwebhooks verifies, for a body given inline or as @file', async () => {
    const body = JSON.stringify({ id: 'evt_cli', type: 'payment.succeeded', api_version: 'v1', data: {} });
    const inline = await cli(['sign', '--body', body, '--secret', 'ws_my_secret'], sandbox.url);
    expect(inline.code, inline.stderr).to.equal(0);
    const headers = Object.fromEntries(
      inline.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    expect(Object.keys(headers)).to.deep.equal(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(verifyWithStandardWebhooks('ws_my_secret', { headers, body })).to.deep.equal(JSON.parse(body));

    const dir = await mkdtemp(path.join(tmpdir(), 'whop-cli-'));
    try {
      const file = path.join(dir, 'event.json');
      await writeFile(file, body);
      const fromFile = await cli(
        ['sign', '--body', `@${file}`, '--id', 'msg_fixed', '--json'],
        sandbox.url,
        'ws_ctx_secret',
      );
      expect(fromFile.code, fromFile.stderr).to.equal(0);
      const json = JSON.parse(fromFile.stdout) as Record<string, string>;
      expect(json['webhook-id']).to.equal('msg_fixed');
      expect(() => verifyWithStandardWebhooks('ws_ctx_secret', { headers: json, body })).not.to.throw();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const invalid = await cli(['sign', '--body', '{nope'], sandbox.url);
    expect(invalid.code).not.to.equal(0);
    expect(invalid.stderr).to.match(/not valid JSON/);
  });

  it('lists memberships, users, deliveries and the app', async () => {
    const memberships = await cli(['memberships', '--company', 'biz_creator1'], sandbox.url);
    expect(memberships.code, memberships.stderr).to.equal(0);
    expect(memberships.stdout).to.match(/mem_seedstudent1/);
    expect(memberships.stdout).not.to.match(/mem_seedcreatorpro/);
    const users = await cli(['users'], sandbox.url);
    expect(users.stdout).to.match(/user_creator_free\s+creator_free.*biz_creator1/);
    const deliveries = await cli(['deliveries'], sandbox.url);
    expect(deliveries.stdout).to.match(/membership\.activated/);
    const app = await cli(['app', '--json'], sandbox.url);
    expect((JSON.parse(app.stdout) as { client_id: string }).client_id).to.equal(sandbox.options.app.clientId);
  });

  it('--help exits 0 with usage; unknown commands and options exit non-zero', async () => {
    const help = await cli(['--help'], sandbox.url);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/trigger <event> --user <id> --product <id>/);
    const unknown = await cli(['frobnicate'], sandbox.url);
    expect(unknown.code).not.to.equal(0);
    expect(unknown.stderr).to.match(/unknown command "frobnicate"/);
    const badOption = await cli(['users', '--nope'], sandbox.url);
    expect(badOption.code).not.to.equal(0);
    const noType = await cli(['trigger'], sandbox.url);
    expect(noType.code).not.to.equal(0);
  });

  it('reports the sandbox’s refusal and a sandbox that is not running', async () => {
    const refused = await cli(
      ['trigger', 'membership.activated', '--user', 'user_nobody', '--product', 'prod_course1'],
      sandbox.url,
    );
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/user_nobody was not found/);

    const down = await cli(['users'], 'http://127.0.0.1:9');
    expect(down.code).to.equal(1);
    expect(down.stderr).to.match(/not running at http:\/\/127\.0\.0\.1:9/);
  });
});
