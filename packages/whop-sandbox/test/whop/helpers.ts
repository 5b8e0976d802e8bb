/** Small helpers of the "Whop as it is" sandbox tests: control API calls, the CLI, form tokens. */
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { runWhopCli } from '../../src/cli/whop-cli.ts';
import type { TestSandbox } from '../support/sandbox-fixture.ts';

export async function control<T = Record<string, unknown>>(
  sandbox: TestSandbox,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}/sandbox/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function api(
  sandbox: TestSandbox,
  path: string,
  bearer = sandbox.options.app.apiKey,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}/api/v1${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function cli(
  sandbox: TestSandbox,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runWhopCli(argv, {
    sandboxUrl: sandbox.url,
    webhookSecret: sandbox.options.app.webhookSecret,
    stdout,
    stderr,
  });
  return { code, stdout: out, stderr: err };
}

/** Opens a sandbox page and returns its CSRF cookie and form token (plus any other cookies sent). */
export async function openForm(
  sandbox: TestSandbox,
  path: string,
  cookie = '',
): Promise<{ cookie: string; token: string; text: string }> {
  const page = await request(sandbox.url).get(path).set('Cookie', cookie);
  const setCookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const merged = [...cookie.split('; ').filter(Boolean), ...setCookies].join('; ');
  return { cookie: merged, token, text: page.text };
}

export function cookiesOf(headers: Record<string, unknown>): string[] {
  return ([] as string[])
    .concat((headers['set-cookie'] as string[] | undefined) ?? [])
    .map((c) => c.split(';')[0] ?? '');
}
