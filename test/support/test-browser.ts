/**
 * A minimal browser for integration tests: real HTTP, a cookie jar shared across the ports
 * of one host (as browsers do), manual redirects so each hop can be inspected.
 */
export interface BrowserResponse {
  status: number;
  location: string | undefined;
  headers: Headers;
  text: string;
  url: string;
}

interface StoredCookie {
  value: string;
  expires: number | undefined;
}

export class TestBrowser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  private cookiesFor(url: URL): Map<string, StoredCookie> {
    let cookies = this.jar.get(url.hostname);
    if (!cookies) this.jar.set(url.hostname, (cookies = new Map()));
    return cookies;
  }

  private remember(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expiresAttr = attributes.find((a) => a.toLowerCase().startsWith('expires='));
      const expires = expiresAttr ? new Date(expiresAttr.slice(8)).getTime() : undefined;
      if (expires !== undefined && expires <= Date.now()) this.cookiesFor(url).delete(name);
      else this.cookiesFor(url).set(name, { value, expires });
    }
  }

  cookieHeader(url: string | URL): string {
    const parsed = new URL(url);
    return [...this.cookiesFor(parsed).entries()]
      .filter(([, c]) => c.expires === undefined || c.expires > Date.now())
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  cookie(url: string | URL, name: string): string | undefined {
    return this.cookiesFor(new URL(url)).get(name)?.value;
  }

  setCookie(url: string | URL, name: string, value: string): void {
    this.cookiesFor(new URL(url)).set(name, { value, expires: undefined });
  }

  /** A copy of this browser's cookies in a new browser (the same person on a second tab/device). */
  clone(): TestBrowser {
    const copy = new TestBrowser();
    for (const [host, cookies] of this.jar) copy.jar.set(host, new Map(cookies));
    return copy;
  }

  async request(
    url: string | URL,
    init: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      /** Raw bytes, sent with the content type given in `headers`. */
      bytes?: Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | Uint8Array | undefined;
    if (init.bytes) {
      body = init.bytes;
    } else if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.remember(target, response.headers);
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      location: location ? new URL(location, target).href : undefined,
      headers: response.headers,
      text: await response.text(),
      url: target.href,
    };
  }

  get(url: string | URL, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.request(url, { headers });
  }

  post(url: string | URL, form: Record<string, string>): Promise<BrowserResponse> {
    return this.request(url, { method: 'POST', form });
  }

  /** Follows redirects from `url` until a non-redirect answer (at most 10 hops). Returns every hop. */
  async follow(url: string | URL): Promise<BrowserResponse[]> {
    const hops: BrowserResponse[] = [];
    let next: string | undefined = new URL(url).href;
    while (next && hops.length < 10) {
      const response = await this.get(next);
      hops.push(response);
      next = response.status >= 300 && response.status < 400 ? response.location : undefined;
    }
    return hops;
  }
}

/** The value of a hidden form field in an HTML page. */
export function formField(html: string, name: string): string | undefined {
  const match =
    new RegExp(`name="${name}"\\s+value="([^"]*)"`).exec(html) ??
    new RegExp(`value="([^"]*)"\\s+name="${name}"`).exec(html);
  return match?.[1]?.replace(/&#34;/g, '"').replace(/&amp;/g, '&');
}
