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
  refund?: string | undefined;
  dispute?: string | undefined;
  reason?: string | undefined;
  'alert-type'?: string | undefined;
  'version-date'?: string | undefined;
  names?: string | undefined;
  scheme?: string | undefined;
  enabled?: string | undefined;
  calls?: string | undefined;
  seconds?: string | undefined;
  'auth-method'?: string | undefined;
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
  webhook: string | null;
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
  if (!type)
    throw new CliError(
      'trigger needs an event type, e.g. `trigger membership.activated --user user_student1 --product prod_course1`.',
      2,
    );
  const { values } = ctx;
  const result = await ctx.client.post<{
    events: EventRef[];
    membership: MembershipJson | null;
    payment: { id: string; substatus: string } | null;
  }>('/events', {
    type,
    user: values.user,
    product: values.product,
    company: values.company,
    membership_id: values.membership,
    payment_id: values.payment,
    refund_id: values.refund,
    dispute_id: values.dispute,
    status: values.status,
    amount: values.amount,
    currency: values.currency,
    reason: values.reason,
    alert_type: values['alert-type'],
  });
  if (values.json) return printJson(ctx, result);
  for (const event of result.events) {
    ctx.write(
      `fired ${event.type}  event ${event.id}  webhook-id ${event.webhook_id}  (${event.delivery_status}${event.webhook ? ` via ${event.webhook}` : ''})\n`,
    );
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
  const headers = signWebhook({
    id: values.id ?? newId('msg'),
    timestamp,
    body,
    secret: values.secret ?? ctx.webhookSecret,
  });
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
      result.data.map((m) => [
        m.id,
        m.user?.id,
        m.product.id,
        m.company.id,
        m.status + (m.cancel_at_period_end ? ' (cancels)' : ''),
        m.updated_at,
      ]),
    ),
  );
}

export async function usersCommand(ctx: CommandContext): Promise<void> {
  const result = await ctx.client.get<{
    data: Array<{ id: string; username: string; name: string | null; email: string; admin_of: string[] }>;
  }>('/users');
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['user', 'username', 'name', 'email', 'admin of'],
      result.data.map((u) => [u.id, u.username, u.name, u.email, u.admin_of.join(' ')]),
    ),
  );
}

export async function deliveriesCommand(ctx: CommandContext): Promise<void> {
  const result = await ctx.client.get<{
    data: Array<{
      id: string;
      type: string;
      status: string;
      created_at: string;
      attempts: Array<{ status_code: number | null; error: string | null }>;
    }>;
  }>('/deliveries');
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['webhook-id', 'type', 'status', 'attempts', 'last response', 'created'],
      result.data.map((d) => {
        const last = d.attempts.at(-1);
        return [
          d.id,
          d.type,
          d.status,
          d.attempts.length,
          last ? (last.status_code ?? last.error) : null,
          d.created_at,
        ];
      }),
    ),
  );
}

export async function appCommand(ctx: CommandContext): Promise<void> {
  const method = ctx.values['auth-method'];
  const result = method
    ? await ctx.client.post<Record<string, unknown>>('/app', { token_endpoint_auth_method: method })
    : await ctx.client.get<Record<string, unknown>>('/app');
  if (ctx.values.json) return printJson(ctx, result);
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result))
    ctx.write(
      `${key.padEnd(width)}  ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}\n`,
    );
}

export async function resetCommand(ctx: CommandContext): Promise<void> {
  await ctx.client.post('/reset', {});
  ctx.write('The sandbox is back to its seed.\n');
}

interface WebhookJson {
  id: string;
  kind: string;
  resource_id: string | null;
  url: string;
  api_version: string;
  api_version_date: string | null;
  payload_shape: string;
  event_names: string;
  enabled: boolean;
}

function printWebhooks(ctx: CommandContext, result: { data: WebhookJson[] }): void {
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['webhook', 'kind', 'company', 'scheme', 'api_version_date', 'shape', 'names', 'enabled'],
      result.data.map((w) => [
        w.id,
        w.kind,
        w.resource_id,
        w.api_version,
        w.api_version_date ?? 'unpinned',
        w.payload_shape,
        w.event_names,
        w.enabled ? 'yes' : 'no',
      ]),
    ),
  );
}

export async function webhooksCommand(ctx: CommandContext): Promise<void> {
  printWebhooks(ctx, await ctx.client.get<{ data: WebhookJson[] }>('/webhooks'));
}

/** `webhook [--id hook_…] [--version-date <date>|latest|unpinned] [--names dotted|underscore] [--scheme v1|v5] [--enabled true|false]` */
export async function webhookCommand(ctx: CommandContext): Promise<void> {
  const { values } = ctx;
  const body: Record<string, unknown> = {};
  if (values['version-date'] !== undefined) body.api_version_date = values['version-date'];
  if (values.names !== undefined) body.event_names = values.names;
  if (values.scheme !== undefined) body.api_version = values.scheme;
  if (values.enabled !== undefined) body.enabled = values.enabled;
  if (Object.keys(body).length === 0)
    throw new CliError('webhook needs --version-date, --names, --scheme or --enabled (see --help).', 2);
  printWebhooks(
    ctx,
    await ctx.client.post<{ data: WebhookJson[] }>(`/webhooks/${encodeURIComponent(values.id ?? 'all')}`, body),
  );
}

interface InstallationJson {
  company_id: string;
  title: string;
  installed: boolean;
  installed_by: string | null;
}

function printInstallations(ctx: CommandContext, result: { data: InstallationJson[] }): void {
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    formatTable(
      ['company', 'title', 'app installed', 'by'],
      result.data.map((i) => [i.company_id, i.title, i.installed ? 'yes' : 'no', i.installed_by]),
    ),
  );
}

export async function installationsCommand(ctx: CommandContext): Promise<void> {
  printInstallations(ctx, await ctx.client.get<{ data: InstallationJson[] }>('/installations'));
}

export async function installCommand(ctx: CommandContext): Promise<void> {
  const { company, user } = ctx.values;
  if (!company || !user) throw new CliError('install needs --company <biz_…> and --user <an admin of it>.', 2);
  printInstallations(
    ctx,
    await ctx.client.post<{ data: InstallationJson[] }>('/installations', { company_id: company, user_id: user }),
  );
}

export async function uninstallCommand(ctx: CommandContext): Promise<void> {
  const { company } = ctx.values;
  if (!company) throw new CliError('uninstall needs --company <biz_…>.', 2);
  printInstallations(
    ctx,
    await ctx.client.post<{ data: InstallationJson[] }>(`/installations/${encodeURIComponent(company)}/uninstall`, {}),
  );
}

export async function rateLimitCommand(ctx: CommandContext): Promise<void> {
  const { calls, seconds } = ctx.values;
  if (calls === undefined) throw new CliError('rate-limit needs --calls <n> (0 stops forcing 429s).', 2);
  const result = await ctx.client.post<{ forced_calls_remaining: number; retry_in_seconds: number }>('/rate_limit', {
    calls,
    ...(seconds === undefined ? {} : { retry_in_seconds: seconds }),
  });
  if (ctx.values.json) return printJson(ctx, result);
  ctx.write(
    `The next ${result.forced_calls_remaining} calls of /api/v1 answer 429 ("Try again in ${result.retry_in_seconds} seconds.").\n`,
  );
}

export async function deleteUserCommand(ctx: CommandContext): Promise<void> {
  const { user } = ctx.values;
  if (!user) throw new CliError('delete-user needs --user <id>.', 2);
  await ctx.client.post(`/users/${encodeURIComponent(user)}/delete`, {});
  ctx.write(`Deleted ${user}; its memberships and payments now show user: null.\n`);
}
