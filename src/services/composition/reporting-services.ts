/**
 * The read-only views: the creator's dashboard, and the admin's tier overview, analytics,
 * operations overview, webhook event list and creator inspection.
 */
import { createCreatorDashboardQuery } from '../creator-dashboard-query.ts';
import { createTierOverviewService } from '../admin/tier-overview-service.ts';
import { createAnalyticsService } from '../analytics/analytics-service.ts';
import { createOperationsOverviewService } from '../admin/operations-overview-service.ts';
import { createWebhookEventListQuery } from '../admin/webhook-event-list-query.ts';
import { createCreatorInspectionQuery } from '../admin/creator-inspection-query.ts';
import type { CompositionInputs } from './composition-inputs.ts';

export function buildReportingServices({ infra, now }: CompositionInputs) {
  const { config, sequelize } = infra;
  return {
    dashboard: createCreatorDashboardQuery({ reads: infra.reads, now: () => new Date(now()) }),
    overview: createTierOverviewService({ sequelize, now: () => new Date(now()) }),
    analytics: createAnalyticsService({ sequelize, now: () => new Date(now()) }),
    operations: createOperationsOverviewService({
      sequelize,
      models: infra.models,
      chronosCompanyId: config.whop.companyId,
      tierProducts: config.whop.tierProducts,
    }),
    /** The admin's webhook event list and event page; past-due creators and the creator page. */
    eventList: createWebhookEventListQuery({ sequelize }),
    creatorInspection: createCreatorInspectionQuery({ sequelize, now }),
  };
}
