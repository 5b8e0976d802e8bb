/** The CLI's commands. Each writes to `out` and returns nothing; failures throw CliError. */
import { readFile } from 'node:fs/promises';
import { newId } from '../state/id-generator.ts';
import { signWebhook } from '../webhooks/webhook-signer.ts';
import { formatTable } from './cli-output.ts';
import { CliError, ControlClient } from './control-client.ts';

export interface CliValues {
  user?: string | undefined;
  product?: string | undefined;
  status?: string | undefined;
  company?: string | undefined;
  membership?: string | undefined;
  payment?: string | undefined;
  amount?: string | undefined;
  currency?: string | undefined;
  body?: string | undefined;
  secret?: string | undefined;
  id?: string | undefined;
  timestamp?: string | undefined;
  json?: boolean | undefined;
}

export interface CommandContext {
  client: ControlClient;
  values: CliValues;
  positionals: string[];
  webhookSecret: string;
  write(text: string): void;
}

interface EventRef {
  id: string;
  type: string;
  webhook_id: string;
  delivery_status: string;
}
interface MembershipJson {
  id: string;
  status: string;
  cancel_at_period_end: boolean;
  updated_at: string;
  user: { id: string; username: string } | null;
  product: { id: string; title: string };
  company: { id: string };
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.write(`${JSON.stringify(value, null, 2)}\n`);
}

export async function triggerCommand(ctx: CommandContext): Promise<void> {
  const type = ctx.positionals[0];
  if (!type) throw new CliError('trigger needs an event type, e.g. `trigger membership.activated --user user_student1 --product prod_course1`.', 2);
  const { values } = ctx;
  const result = await ctx.client.post<{ events: EventRef[]; membership: MembershipJson | null; payment: { id: string; substatus: string } | null }>(
    '/events',
    {
      type,
      user: values.user,
      product: values.product,
      company: values.company,
      membership_id: values.membership,
      payment_id: values.payment,
      status: values.status,
      amount: values.amount,
      currency: values.currency,
    },
  );
  if (values.json) return printJson(ctx, result);
  for (const event of result.events) {
    ctx.write(`fired ${event.type}  event ${event.id}  webhook-id ${event.webhook_id}  (${event.delivery_status})\n`);
  }
  if (result.events.length === 0) ctx.write('no event fired\n');
  if (result.membership) ctx.write(`membership ${result.membership.id} is ${result.membership.status}\n`);
  if (result.payment) ctx.write(`payment ${result.payment.id} ${result.payment.substatus}\n`);
}

export async function signCommand(ctx: CommandContext): Promise<void> {
  const { values } = ctx;
  if (!values.body) throw new CliError('sign needs --body <json> or --body @file.json.', 2);
  let body = values.body;
  if (body.startsWith('@')) {
    try {
      body = await readFile(body.slice(1), 'utf8');
    } catch {
      throw new CliError(`Cannot read ${body.slice(1)}.`, 2);
    }
  }
  try {
    JSON.parse(body);
  } catch {
    throw new CliError('The body is not valid JSON.', 2);
  }
  const timestamp = values.timestamp === undefined ? Math.floor(Date.now() / 1000) : Number(values.timestamp);
  if (!Number.isInteger(timestamp) || timestamp <= 0) throw new CliError('--timestamp must be unix seconds.', 2);
  const headers = signWebhook({ id: values.id ?? newId('msg'), timestamp, body, secret: values.secret ?? ctx.webhookSecret });
  if (values.json) return printJson(ctx, headers);
  for (const [name, value] of Object.entries(headers)) ctx.write(`${name}: ${value}\n`);
}

export async function membershipsCommand(ctx: CommandContext): Promise<void> {
  const query = new URLSearchParams();
  for (const name of ['company', 'user', 'product', 'status'] as const) {
    const value = ctx.values[name];
    if (value) query.set(name, value);
  }
  const suffix = query.size ? `?${query.toString()}` : '';
  const result = await ctx.client.get<{ data: MembershipJson[] }>(`/memberships${suffix}`);
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['membership', 'user', 'product', 'company', 'status', 'updated'],
      result.data.map((m) => [m.id, m.user?.id, m.product.id, m.company.id, m.status + (m.cancel_at_period_end ? ' (cancels)' : ''), m.updated_at]),
    ),
  );
}

export async function usersCommand(ctx: CommandContext): Promise<void> {
  const result = await ctx.client.get<{ data: Array<{ id: string; username: string; name: string | null; email: string; admin_of: string[] }> }>('/users');
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(formatTable(['user', 'username', 'name', 'email', 'admin of'], result.data.map((u) => [u.id, u.username, u.name, u.email, u.admin_of.join(' ')])));
}

export async function deliveriesCommand(ctx: CommandContext): Promise<void> {
  const result = await ctx.client.get<{
    data: Array<{ id: string; type: string; status: string; created_at: string; attempts: Array<{ status_code: number | null; error: string | null }> }>;
  }>('/deliveries');
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['webhook-id', 'type', 'status', 'attempts', 'last response', 'created'],
      result.data.map((d) => {
        const last = d.attempts.at(-1);
        return [d.id, d.type, d.status, d.attempts.length, last ? (last.status_code ?? last.error) : null, d.created_at];
      }),
    ),
  );
}

export async function appCommand(ctx: CommandContext): Promise<void> {
  const result = await ctx.client.get<Record<string, unknown>>('/app');
  if (ctx.values.json) return printJson(ctx, result);
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result)) ctx.write(`${key.padEnd(width)}  ${String(value)}\n`);
}

export async function resetCommand(ctx: CommandContext): Promise<void> {
  await ctx.client.post('/reset', {});
  ctx.write('The sandbox is back to its seed.\n');
}
