/** The admin's creator pages: those past due or in a grace period, and one creator in full. */
import type { RequestHandler } from 'express';
import type { CreatorInspectionQuery } from '../services/admin/creator-inspection-query.ts';
import type { WebhookEventListQuery } from '../services/admin/webhook-event-list-query.ts';
import { describeEventError } from '../services/webhooks/event-error-text.ts';
import { monthOf } from '../services/usage/usage-service.ts';
import { tierDefinition } from '../domain/tier-table.ts';
import { NotFoundError } from '../domain/app-errors.ts';
import { eventPath } from './admin-events-controller.ts';

export function adminCreatorsController(deps: {
  creatorInspection: CreatorInspectionQuery;
  eventList: WebhookEventListQuery;
  now: () => number;
}) {
  const pastDue: RequestHandler = async (_req, res) => {
    res.render('pages/admin-past-due', {
      title: 'Creators past due',
      creators: await deps.creatorInspection.pastDue(),
      now: new Date(deps.now()),
    });
  };

  const show: RequestHandler<{ id: string }> = async (req, res) => {
    const id = /^[1-9]\d{0,9}$/.test(req.params.id) ? Number(req.params.id) : null;
    const creator =
      id !== null && id <= 2_147_483_647
        ? await deps.creatorInspection.detail(id, monthOf(new Date(deps.now())))
        : null;
    if (!creator) throw new NotFoundError('No creator with that id.');
    res.render('pages/admin-creator', {
      title: creator.name,
      creator,
      tierInfo: tierDefinition(creator.tier),
      events: await deps.eventList.ofCompany(creator.whopCompanyId),
      describeEventError,
      eventPath,
    });
  };

  return { pastDue, show };
}
