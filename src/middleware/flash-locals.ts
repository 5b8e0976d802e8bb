/**
 * The one place a page gets the flash (the one-time message a redirect left, `sessions/flash.ts`):
 * the first page this request renders takes it from the session and shows it as the locals
 * `message`, `messageKind`, `messageLink` and `messageTarget` (`partials/message.ejs`,
 * `partials/notice-at.ejs`). Controllers never take it themselves.
 *
 * Taken at render, not by a getter on `res.locals`: Express builds a view's locals by spreading
 * `res.locals`, which would call such a getter on every render, and a getter on `res.locals` could
 * not tell whether the page passes its own message. Wrapping `res.render` keeps the same promise —
 * a request that redirects, streams a file or answers JSON never consumes the flash; only a page
 * does — and lets what the page passes win: a refusal's own `message` (or `message: undefined`,
 * to say it next to a field instead) replaces the flash, while `res.locals` (a list's refusal set
 * by a middleware) gives way to it. An empty flash adds nothing.
 */
import type { RequestHandler, Response } from 'express';
import { takeFlash } from '../sessions/flash.ts';

type RenderCallback = (error: Error, html: string) => void;

export const flashLocals: RequestHandler = (req, res, next) => {
  const render = res.render.bind(res) as Response['render'];
  let taken = false;
  res.render = ((view: string, options?: object | RenderCallback, callback?: RenderCallback) => {
    const locals = typeof options === 'function' ? {} : (options ?? {});
    const done = typeof options === 'function' ? (options as RenderCallback) : callback;
    let flash = {};
    if (!taken && req.session) {
      taken = true;
      const { message, ...rest } = takeFlash(req);
      if (message) flash = { message, ...rest };
    }
    render(view, { ...flash, ...locals }, done);
  }) as Response['render'];
  next();
};
