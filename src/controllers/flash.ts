/** The one-time message a redirect leaves for the next page, read and cleared in one go. */
import type { Request } from 'express';

export interface Flash {
  message: string | undefined;
  messageKind: string;
  messageLink: { href: string; label: string } | undefined;
}

export function takeFlash(req: Request): Flash {
  const flash = { message: req.session.flash, messageKind: req.session.flashKind ?? 'info', messageLink: req.session.flashLink };
  delete req.session.flash;
  delete req.session.flashKind;
  delete req.session.flashLink;
  return flash;
}
