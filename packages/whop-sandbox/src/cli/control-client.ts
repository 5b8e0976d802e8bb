/** The CLI's HTTP client of the sandbox's control API, with errors a person can act on. */

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/sandbox/api${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      throw new CliError(
        `The Whop sandbox is not running at ${this.baseUrl} (could not connect). Start it with \`npm run sandbox\` (or \`npm run dev\`), or set SANDBOX_PORT.`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(
        `${this.baseUrl} answered ${method} ${path} with ${response.status} and no JSON: is it the Whop sandbox?`,
      );
    }
    if (!response.ok) {
      const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
      throw new CliError(`The sandbox refused: ${message}`);
    }
    return json as T;
  }
}
