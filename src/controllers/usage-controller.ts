/** Creators' metered usage over the JSON API: spending AI credits. */
import type { RequestHandler } from 'express';
import type { UsageService } from '../services/usage/usage-service.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { aiCreditsSchema, parseBody } from './request-schemas.ts';

export function usageController(usage: UsageService) {
  const spendAiCredits: RequestHandler = async (req, res) => {
    const { amount } = parseBody(aiCreditsSchema, req.body);
    const creator = creatorOf(req);
    res.json(await usage.spendAiCredits(creator.id, creator.tier, amount));
  };

  return { spendAiCredits };
}
