/**
 * `/admin/webhooks`: webhook health (last 24 h by status, dead and failing events with their
 * error and a replay button), revenue over 30 days by tier, and reconciliation (last run, and a
 * button that runs one now).
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { setFlashAt } from '../sessions/flash.ts';
import { countOf } from '../views/plural.ts';
import type { OperationsOverviewService } from '../services/admin/operations-overview-service.ts';
import type { WebhookWorker } from '../services/webhooks/webhook-worker.ts';
import type { ReconciliationService } from '../services/reconciliation/reconciliation-service.ts';

export function adminOperationsController(deps: {
  operations: OperationsOverviewService;
  webhooks: WebhookWorker;
  reconciliation: ReconciliationService;
  logger: Logger;
}) {
  const show: RequestHandler = async (req, res) => {
    const [events, problems, revenue, lastRun] = await Promise.all([
      deps.operations.eventsLast24h(),
      deps.operations.problemEvents(),
      deps.operations.revenue30d(),
      deps.operations.lastReconciliation(),
    ]);
    res.render('pages/admin-webhooks', {
      title: 'Webhooks and revenue',
      events,
      problems,
      revenue,
      lastRun,
    });
  };

  const reconcile: RequestHandler = async (req, res) => {
    const waited = await deps.reconciliation.runWaiting('admin');
    deps.logger.info(
      {
        runId: waited.state === 'finished' ? waited.run.id : undefined,
        state: waited.state,
        adminUserId: req.currentUser?.user.id,
      },
      'reconciliation requested',
    );
    switch (waited.state) {
      case 'busy':
        setFlashAt(
          req,
          'reconciliation',
          'A reconciliation is already running; its results will show here when it finishes.',
          'warn',
        );
        break;
      case 'continuing':
        setFlashAt(
          req,
          'reconciliation',
          'Reconciliation started. It is taking a while and goes on in the background; reload this page to see its ' +
            'results when it finishes.',
          'info',
        );
        break;
      case 'finished': {
        const { run } = waited;
        const s = run.summary as { studentsCreated?: number; studentsChanged?: number; tierChanges?: unknown[] };
        const added = countOf(s.studentsCreated ?? 0, 'student');
        const changed = countOf(s.studentsChanged ?? 0, 'student');
        const tierChanges = countOf(s.tierChanges?.length ?? 0, 'tier change');
        setFlashAt(
          req,
          'reconciliation',
          `Reconciliation ${run.status}: ${added} added, ${changed} changed status, ${tierChanges}.`,
          run.status === 'succeeded' ? 'ok' : 'error',
        );
        break;
      }
    }
    res.redirect(303, '/admin/webhooks#reconciliation');
  };

  return { show, reconcile };
}
