import type { RequestHandler } from 'express';
import type { ReadinessService } from '../services/readiness-service.ts';

export function healthController(readiness: ReadinessService) {
  const live: RequestHandler = (_req, res) => {
    res.json({ status: 'ok' });
  };
  const ready: RequestHandler = async (_req, res) => {
    const result = await readiness.check();
    const failing = Object.entries(result.checks)
      .filter(([, v]) => v === 'unavailable')
      .map(([k]) => k);
    res.status(result.ready ? 200 : 503).json({
      status: result.ready ? 'ok' : 'unavailable',
      checks: result.checks,
      ...(failing.length > 0 ? { failing, message: `${failing.join(' and ')} not answering` } : {}),
    });
  };
  return { live, ready };
}
