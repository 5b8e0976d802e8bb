/**
 * The body parsers run before the session (SPEC §6), so a body they refuse (too large, say)
 * would be answered with no signed-in user: a "Sign in" header for someone who is signed in.
 * `parse` runs the parsers and keeps a "too large" refusal (413, a person's long text); `raise`
 * passes it on once the session and the current user are loaded, so the error page shows the
 * user's own header. Any other refusal (broken JSON, say) is passed on at once, before anything runs.
 */
import type { Request, RequestHandler } from 'express';

export function deferBodyErrors(...parsers: RequestHandler[]): { parse: RequestHandler; raise: RequestHandler } {
  const refused = new WeakMap<Request, unknown>();
  const parse: RequestHandler = (req, res, next) => {
    const run = (index: number): void => {
      const parser = parsers[index];
      if (!parser) return next();
      parser(req, res, (error?: unknown) => {
        if (error && (error as { status?: unknown }).status === 413) {
          refused.set(req, error);
          return next();
        }
        if (error) return next(error);
        run(index + 1);
      });
    };
    run(0);
  };
  const raise: RequestHandler = (req, _res, next) => {
    if (!refused.has(req)) return next();
    next(refused.get(req));
  };
  return { parse, raise };
}
