/**
 * Drives the Whop sandbox's control API over HTTP, as a person at its control UI would (or a
 * developer from outside the browser: reset it to its seed, read the registered app).
 */
export class SandboxControl {
  constructor(private readonly sandboxUrl: string) {}

  /** Any control API call; a non-2xx answer throws with its status and body. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.sandboxUrl}/sandbox/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox ${method} ${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Back to the seed: forgets created users, memberships, payments, deliveries and mail. */
  async reset(): Promise<void> {
    await this.request('POST', '/reset', {});
  }

  /** The registered app's `ws_…` webhook secret (`GET /sandbox/api/app`, as Whop's dashboard shows it). */
  async webhookSecret(): Promise<string> {
    const app = await this.request<{ webhook_secret?: string; webhookSecret?: string }>('GET', '/app');
    const secret = app.webhook_secret ?? app.webhookSecret;
    if (!secret) throw new Error(`GET /sandbox/api/app has no webhook secret: ${JSON.stringify(Object.keys(app))}`);
    return secret;
  }

  async createUser(username: string): Promise<string> {
    const { user } = await this.request<{ user: { id: string } }>('POST', '/users', {
      username,
      email: `${username}@example.test`,
      name: username,
    });
    return user.id;
  }

  async createMembership(user: string, product: string, status?: string): Promise<string> {
    const { membership } = await this.request<{ membership: { id: string } }>('POST', '/memberships', {
      user,
      product,
      ...(status ? { status } : {}),
    });
    return membership.id;
  }

  async setStatus(membershipId: string, status: string): Promise<void> {
    await this.request('POST', `/memberships/${membershipId}/status`, { status });
  }

  async pay(
    user: string,
    product: string,
    outcome: 'succeeded' | 'failed' = 'succeeded',
  ): Promise<{ membershipId: string | undefined }> {
    const answer = await this.request<{ payment: { membership?: { id: string } | null } }>('POST', '/payments', {
      user,
      product,
      outcome,
    });
    return { membershipId: answer.payment.membership?.id };
  }

  /** An admin of the company installs the app on it (Whop: the install link, approved). */
  async install(companyId: string, userId: string): Promise<void> {
    await this.request('POST', '/installations', { company_id: companyId, user_id: userId });
  }

  /** The company uninstalls the app: Whop answers 403 to the app's calls about it. */
  async uninstall(companyId: string): Promise<void> {
    await this.request('POST', `/installations/${companyId}/uninstall`, {});
  }

  async installedCompanies(): Promise<string[]> {
    const { data } = await this.request<{ data: { company_id: string; installed: boolean }[] }>(
      'GET',
      '/installations',
    );
    return data.filter((row) => row.installed).map((row) => row.company_id);
  }

  /** The next `calls` API calls (anyone's) answer Whop's 429 without Retry-After; 0 ends it. */
  async rateLimit(calls: number, retryInSeconds = 1): Promise<void> {
    await this.request('POST', '/rate_limit', { calls, retry_in_seconds: retryInSeconds });
  }

  async memberships(): Promise<{ id: string; status: string; user: { id: string }; product: { id: string } }[]> {
    return (
      await this.request<{ data: { id: string; status: string; user: { id: string }; product: { id: string } }[] }>(
        'GET',
        '/memberships',
      )
    ).data;
  }
}
