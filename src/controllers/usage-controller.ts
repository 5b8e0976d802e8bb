/** Creators' usage: adding videos (JSON API and dashboard form) and spending AI credits. */
import type { RequestHandler } from 'express';
import type { UsageService } from '../services/usage/usage-service.ts';
import { creatorOf } from '../middleware/require-creator.ts';
import { LimitExceededError } from '../domain/limit-errors.ts';
import { ValidationError } from '../domain/app-errors.ts';
import { aiCreditsSchema, newVideoSchema, parseBody } from './request-schemas.ts';
import type { Video } from '../models/video-model.ts';
import { setFlash } from '../sessions/flash.ts';

export function videoJson(video: Video) {
  return {
    id: video.id,
    title: video.title,
    sizeBytes: video.sizeBytes,
    durationSeconds: video.durationSeconds,
    createdAt: video.createdAt,
  };
}

export function usageController(usage: UsageService) {
  const addVideoApi: RequestHandler = async (req, res) => {
    const input = parseBody(newVideoSchema, req.body);
    const video = await usage.addVideo(creatorOf(req).id, input);
    res.status(201).json({ video: videoJson(video) });
  };

  /** The dashboard's form: back to the dashboard with what happened, the form kept on refusal. */
  const addVideoForm: RequestHandler = async (req, res) => {
    try {
      const input = parseBody(newVideoSchema, req.body);
      const video = await usage.addVideo(creatorOf(req).id, input);
      setFlash(req, `Added “${video.title}”.`);
      res.redirect(303, '/dashboard#videos');
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof LimitExceededError)) throw error;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : '');
      setFlash(
        req,
        error.message,
        'error',
        error instanceof LimitExceededError && error.upgradeUrl
          ? { href: error.upgradeUrl, label: 'Upgrade your plan' }
          : undefined,
      );
      req.session.videoDraft = {
        title: text(body.title),
        sizeBytes: text(body.sizeBytes),
        durationSeconds: text(body.durationSeconds),
      };
      res.redirect(303, '/dashboard#videos');
    }
  };

  const spendAiCredits: RequestHandler = async (req, res) => {
    const { amount } = parseBody(aiCreditsSchema, req.body);
    const creator = creatorOf(req);
    res.json(await usage.spendAiCredits(creator.id, creator.tier, amount));
  };

  return { addVideoApi, addVideoForm, spendAiCredits };
}
