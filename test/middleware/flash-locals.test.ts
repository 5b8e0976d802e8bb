/**
 * The flash reaches a page through `flashLocals` alone: the first render takes it, a request that
 * does not render leaves it for the next page, and what a page passes itself wins over it.
 */
import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import type { SessionData } from 'express-session';
import { flashLocals } from '../../src/middleware/flash-locals.ts';
import { setFlash, setFlashAt } from '../../src/sessions/flash.ts';

type Rendered = { view: string; locals: Record<string, unknown> };

/** A request with a session and a response whose render records what the view would get. */
function exchange(session: Partial<SessionData> = {}) {
  const req = { session } as unknown as Request;
  const rendered: Rendered[] = [];
  const res = {
    render(view: string, locals: Record<string, unknown>) {
      rendered.push({ view, locals });
    },
  } as unknown as Response;
  let nextCalls = 0;
  flashLocals(req, res, (() => nextCalls++) as NextFunction);
  expect(nextCalls).to.equal(1);
  return { req, res, rendered, session: session as SessionData };
}

describe('flashLocals: the one place a page gets the flash', () => {
  it('shows the flash on the first page rendered, with its kind and link, and clears it', () => {
    const { req, res, rendered, session } = exchange();
    setFlash(req, 'Saved.', 'ok', { href: '/plans', label: 'Upgrade' });
    res.render('pages/settings', { title: 'Settings' });
    expect(rendered[0]!.locals).to.include({ title: 'Settings', message: 'Saved.', messageKind: 'ok' });
    expect(rendered[0]!.locals.messageLink).to.deep.equal({ href: '/plans', label: 'Upgrade' });
    expect(session.flash).to.equal(undefined);
    expect(session.flashKind).to.equal(undefined);
    expect(session.flashLink).to.equal(undefined);
  });

  it('carries the target a message belongs next to', () => {
    const { req, res, rendered } = exchange();
    setFlashAt(req, 'video-7', 'Renamed.', 'ok');
    res.render('pages/video-library', {});
    expect(rendered[0]!.locals).to.include({ message: 'Renamed.', messageTarget: 'video-7' });
  });

  it('leaves the flash in the session when the request renders no page (a redirect)', () => {
    const { req, session } = exchange();
    setFlash(req, 'Saved.', 'ok');
    expect(session.flash).to.equal('Saved.');
    const next = exchange(session);
    next.res.render('pages/settings', {});
    expect(next.rendered[0]!.locals).to.include({ message: 'Saved.' });
  });

  it('lets the page’s own message (a refusal) or an explicit undefined replace the flash', () => {
    const refused = exchange();
    setFlash(refused.req, 'Saved.', 'ok');
    refused.res.render('pages/course-editor', { message: 'Title is taken.', messageKind: 'error' });
    expect(refused.rendered[0]!.locals).to.include({ message: 'Title is taken.', messageKind: 'error' });

    const hidden = exchange();
    setFlash(hidden.req, 'Saved.', 'ok');
    hidden.res.render('pages/course-editor', { message: undefined });
    expect(hidden.rendered[0]!.locals.message).to.equal(undefined);
  });

  it('adds nothing when there is no flash, so res.locals (a list’s refusal) still shows', () => {
    const { res, rendered } = exchange();
    res.render('pages/admin-webhooks', { title: 'Webhooks' });
    expect(rendered[0]!.locals).to.deep.equal({ title: 'Webhooks' });
  });

  it('is taken once: a second render in the same request does not show it again', () => {
    const { req, res, rendered } = exchange();
    setFlash(req, 'Saved.', 'ok');
    res.render('pages/a', {});
    setFlash(req, 'Later.', 'ok');
    res.render('pages/b', {});
    expect(rendered[1]!.locals).to.not.have.property('message');
  });

  it('renders without a session (the embedded pages) and keeps a callback passed as the options', () => {
    const req = {} as Request;
    const calls: unknown[] = [];
    const res = { render: (...args: unknown[]) => calls.push(args) } as unknown as Response;
    flashLocals(req, res, (() => undefined) as NextFunction);
    const callback = () => undefined;
    res.render('pages/x', callback);
    expect(calls[0]).to.deep.equal(['pages/x', {}, callback]);
  });
});
