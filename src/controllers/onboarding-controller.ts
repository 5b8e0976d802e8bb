/**
 * `GET /onboarding` lists the Whop companies the signed-in user manages; `POST /onboarding`
 * (a pick, or "Check again" after installing) makes them the creator of one, or shows the
 * install step when Chronos is not installed on it yet. `POST /dashboard/connection` is a
 * disconnected creator's "Check again". Everything works without JavaScript.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { OnboardingOutcome, OnboardingService } from '../services/onboarding-service.ts';
import type { CreatorAccessService } from '../services/creator-access-service.ts';
import type { SessionTokenVault } from '../sessions/session-token-vault.ts';
import { signedIn } from '../middleware/require-auth.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { AppError } from '../domain/app-errors.ts';
import { WhopApiError } from '../services/whop/whop-errors.ts';
import { setFlash, type Flash } from '../sessions/flash.ts';

function welcome(outcome: Extract<OnboardingOutcome, { kind: 'onboarded' | 'took_over' }>): string {
  const { creator, imported } = outcome;
  const name = creator.companyName ?? creator.whopCompanyId;
  const overLimit = imported.overLimit > 0 ? ` ${imported.overLimit} are waiting for room in your plan.` : '';
  const students = `We imported ${imported.active + imported.overLimit} students from Whop.${overLimit}`;
  if (outcome.kind === 'took_over')
    return (
      `You now run ${name} on Chronos: its former owner is no longer an admin on Whop. Its videos, courses ` +
      `and students are kept. ${students}`
    );
  return `Welcome, ${name}! ${students}`;
}

export function onboardingController(deps: {
  onboarding: OnboardingService;
  access: CreatorAccessService;
  vault: SessionTokenVault;
}) {
  /** The picker: the user's companies (Whop asked with their token), or why they could not be listed. */
  async function showPicker(
    req: Request,
    res: Response,
    extra: Partial<Flash> & { status?: number; selected?: string } = {},
  ): Promise<void> {
    const { user, role } = signedIn(req);
    // What the caller says replaces the flash (flash-locals.ts); what it leaves undefined does not.
    const said = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    const lost = await deps.onboarding.lostCreator(user);
    let companies: Awaited<ReturnType<OnboardingService['choices']>> = [];
    let listProblem: string | null = null;
    try {
      companies = await deps.onboarding.choices(user, await deps.vault.accessToken(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.status < 500 || error.code !== 'service_unavailable') throw error;
      listProblem = error.message;
    }
    res.status(extra.status ?? 200).render('pages/onboarding', {
      title: 'Set up Chronos',
      user,
      role,
      companies,
      listProblem,
      lost,
      selected: extra.selected ?? '',
      ...said,
    });
  }

  const show: RequestHandler = async (req, res) => {
    if (signedIn(req).creator) {
      res.redirect(303, '/dashboard');
      return;
    }
    await showPicker(req, res);
  };

  const submit: RequestHandler = async (req, res) => {
    const { user } = signedIn(req);
    const body = req.body as Record<string, unknown> | undefined;
    try {
      const outcome = await deps.onboarding.onboard(user, body?.companyId, await deps.vault.accessToken(req));
      if (outcome.kind === 'install') {
        const query = new URLSearchParams({
          company: outcome.company.id,
          ...(body?.check === 'again' ? { checked: '1' } : {}),
        });
        res.redirect(303, `/onboarding/install?${query.toString()}`);
        return;
      }
      setFlash(req, welcome(outcome), 'ok');
      res.redirect(303, '/dashboard');
    } catch (error) {
      if (!(error instanceof AppError) || (error.status >= 500 && error.code !== 'service_unavailable')) throw error;
      await showPicker(req, res, {
        status: error.status,
        message: error.message,
        messageKind: 'error',
        selected: typeof body?.companyId === 'string' ? body.companyId : '',
      });
    }
  };

  /**
   * `GET /onboarding/install?company=biz_…`: the install step, a page of its own so that it
   * survives going back from Whop's install page or a reload. Its "Check again" posts the pick again.
   */
  const installStep: RequestHandler = async (req, res) => {
    const { user, role, creator } = signedIn(req);
    if (creator) {
      res.redirect(303, '/dashboard');
      return;
    }
    const companyId = typeof req.query.company === 'string' ? req.query.company : '';
    const company = (await deps.onboarding.listCompanies(await deps.vault.accessToken(req))).find(
      (c) => c.id === companyId,
    );
    if (!company) {
      res.redirect(303, '/onboarding');
      return;
    }
    res.render('pages/onboarding-install', {
      title: `Install Chronos on ${company.title}`,
      user,
      role,
      company,
      installUrl: deps.onboarding.installUrl,
      checked: req.query.checked === '1',
    });
  };

  /** A disconnected creator's "Check again": reconnected (and its members re-read) when Whop lets the app in again. */
  const checkConnection: RequestHandler = async (req, res) => {
    const creator = creatorOf(req);
    try {
      const answer = await deps.access.probe(creator.whopCompanyId, creator);
      if (answer === 'not_installed') {
        setFlash(
          req,
          `Whop still says Chronos is not installed on ${creator.companyName ?? creator.whopCompanyId}. Install ` +
            `it, then check again.`,
          'error',
        );
      } else {
        const imported = await deps.onboarding.importMembers(creator);
        setFlash(
          req,
          `Reconnected: Chronos can read ${creator.companyName ?? creator.whopCompanyId} on Whop again. ` +
            `${imported.active + imported.overLimit} students are up to date.`,
          'ok',
        );
      }
    } catch (error) {
      const unavailable = error instanceof AppError && error.code === 'service_unavailable';
      if (!unavailable && !(error instanceof WhopApiError)) throw error;
      setFlash(
        req,
        unavailable ? (error as AppError).message : 'Whop is not reachable right now. Please try again in a moment.',
        'error',
      );
    }
    res.redirect(303, '/dashboard');
  };

  return { show, submit, installStep, showPicker, checkConnection };
}
