/**
 * Query parameters of list endpoints, read from the raw query string so arrays work in
 * every form clients send: `user_ids[]=a&user_ids[]=b` (what @whop/sdk sends),
 * `user_ids=a&user_ids=b` and `user_ids[0]=a`.
 */
import type { Request } from 'express';
import { ValidationError } from '../sandbox-errors.ts';

export class ListQuery {
  private readonly params: URLSearchParams;

  constructor(req: Request) {
    const url = req.originalUrl;
    const at = url.indexOf('?');
    this.params = new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
  }

  string(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  array(name: string): string[] | undefined {
    const values: string[] = [];
    const indexed = new RegExp(`^${name}\\[\\d*\\]$`);
    for (const [key, value] of this.params) {
      if ((key === name || indexed.test(key)) && value !== '') values.push(value);
    }
    return values.length ? values : undefined;
  }

  /** An integer in [min, max], or undefined when absent. */
  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ValidationError(`${name} must be an integer from ${min} to ${max}.`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!allowed.includes(raw as T)) throw new ValidationError(`${name} must be one of ${allowed.join(', ')}.`);
    return raw as T;
  }

  arrayOf<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const values = this.array(name);
    if (!values) return undefined;
    const unknown = values.filter((v) => !allowed.includes(v as T));
    if (unknown.length)
      throw new ValidationError(`${name} has unknown values ${unknown.join(', ')}; allowed: ${allowed.join(', ')}.`);
    return values as T[];
  }
}
