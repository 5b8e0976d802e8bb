/** `POST /onboarding`: a signed-in user names their Whop company and becomes its creator. */
import type { RequestHandler } from 'express';
import type { OnboardingService } from '../services/onboarding-service.ts';
import { signedIn } from '../middleware/require-auth.ts';
import { AppError } from '../errors.ts';

export function onboardingController(onboarding: OnboardingService) {
  const submit: RequestHandler = async (req, res) => {
    const { user } = signedIn(req);
    const body = req.body as Record<string, unknown> | undefined;
    try {
      const { creator, imported } = await onboarding.onboard(user, body?.companyId);
      const overLimit = imported.overLimit > 0 ? ` ${imported.overLimit} are waiting for room in your plan.` : '';
      req.session.flash = `Welcome, ${creator.companyName ?? creator.whopCompanyId}! We imported ${imported.active + imported.overLimit} students from Whop.${overLimit}`;
      req.session.flashKind = 'ok';
      res.redirect(303, '/dashboard');
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      res.status(error.status).render('pages/onboarding', { title: 'Set up Chronos', user, message: error.message, companyId: typeof body?.companyId === 'string' ? body.companyId : '' });
    }
  };
  return { submit };
}
