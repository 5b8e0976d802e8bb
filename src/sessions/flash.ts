/**
 * The one-time message a redirect leaves for the next page: set with `setFlash`, read and
 * cleared in one go with `takeFlash` by the page that shows it.
 */
import type { Request } from 'express';
import type { SessionData } from 'express-session';

export type FlashKind = SessionData['flashKind'];
export type FlashLink = SessionData['flashLink'];

export interface Flash {
  message: string | undefined;
  messageKind: string;
  messageLink: FlashLink | undefined;
  /** Where the page shows the message: next to the element with this id, else at its top. */
  messageTarget: string | undefined;
}

/** Leaves `message` for the next page, shown as `kind`, with an optional link (an upgrade checkout, say). */
export function setFlash(req: Request, message: string, kind: FlashKind = 'info', link?: FlashLink): void {
  req.session.flash = message;
  req.session.flashKind = kind;
  if (link) req.session.flashLink = link;
  else delete req.session.flashLink;
  delete req.session.flashTarget;
}

/**
 * Leaves `message` to be shown next to the element `target` (an id) on the next page, where the
 * user's eyes and focus are after the redirect (`#target`), not at the page's top.
 */
export function setFlashAt(req: Request, target: string, message: string, kind: FlashKind = 'info'): void {
  setFlash(req, message, kind);
  req.session.flashTarget = target;
}

export function takeFlash(req: Request): Flash {
  const flash = {
    message: req.session.flash,
    messageKind: req.session.flashKind ?? 'info',
    messageLink: req.session.flashLink,
    messageTarget: req.session.flashTarget,
  };
  delete req.session.flash;
  delete req.session.flashKind;
  delete req.session.flashLink;
  delete req.session.flashTarget;
  return flash;
}
