/**
 * The creator's video library (`/dashboard/videos`): the list with its uploader, and the forms
 * that rename, reorder and delete videos. Every change is a CSRF-checked POST answered with a
 * redirect back to the list (POST-redirect-GET) and a flash; a refused rename changes nothing
 * and renders the list again with the error next to the title field.
 */
import type { Request, RequestHandler, Response } from 'express';
import { creatorOf } from '../middleware/require-creator.ts';
import { setFlash, setFlashAt } from '../sessions/flash.ts';
import { NotFoundError, ValidationError } from '../domain/app-errors.ts';
import type { VideoLibrary } from '../services/videos/video-library.ts';
import type { UsageService } from '../services/usage/usage-service.ts';
import type { PlansService } from '../services/tiers/plans-service.ts';
import { TUS_CLIENT_SCRIPT } from '../http/vendor-scripts.ts';
import { parseBody, videoMoveSchema, videoTitleSchema } from './request-schemas.ts';
import { uploaderSettings } from './uploader-settings.ts';

const LIBRARY = '/dashboard/videos';

/** A rename the creator has to correct: which video, what they typed, what is wrong. */
interface RenameError {
  videoId: number;
  title: string;
  message: string;
}

/** The video id in the path; anything but a positive whole number is no video of theirs. */
function videoIdOf(req: Request): number {
  const raw = String(req.params.videoId ?? '');
  const id = Number(raw);
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || id > 2_147_483_647)
    throw new NotFoundError('That video is not in your library.');
  return id;
}

export function videoLibraryController(deps: {
  library: VideoLibrary;
  usage: Pick<UsageService, 'usage'>;
  plans: Pick<PlansService, 'planOf' | 'upgradeForFeature'>;
  /** The per-file cap of the upload endpoint (UPLOAD_MAX_BYTES). */
  uploadMaxBytes: number;
}) {
  async function render(req: Request, res: Response, renameError?: RenameError): Promise<void> {
    const creator = creatorOf(req);
    const [videos, usage, unfinishedUploads] = await Promise.all([
      deps.library.list(creator.id),
      deps.usage.usage(creator.id),
      deps.library.unfinishedUploadIds(creator.id),
    ]);
    const plan = deps.plans.planOf(creator.tier, usage);
    res.status(renameError ? 400 : 200).render('pages/video-library', {
      title: 'Videos',
      creator,
      plan,
      videos,
      renameError,
      uploader: uploaderSettings(creator, plan, { ...deps, unfinishedUploads }),
      tusScriptUrl: TUS_CLIENT_SCRIPT.url,
    });
  }

  const show: RequestHandler = (req, res) => render(req, res);

  const rename: RequestHandler = async (req, res) => {
    const videoId = videoIdOf(req);
    const creator = creatorOf(req);
    let title: string;
    try {
      title = parseBody(videoTitleSchema, req.body).title;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await deps.library.find(creator.id, videoId);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const typed = typeof body.title === 'string' ? body.title.slice(0, 1000) : '';
      const [first] = (error.details as { message: string }[] | undefined) ?? [];
      await render(req, res, { videoId, title: typed, message: first?.message ?? error.message });
      return;
    }
    await deps.library.rename(creator.id, videoId, title);
    setFlashAt(req, `video-${videoId}`, `Renamed to “${title}”.`, 'ok');
    res.redirect(303, `${LIBRARY}#video-${videoId}`);
  };

  const move: RequestHandler = async (req, res) => {
    const videoId = videoIdOf(req);
    const { direction } = parseBody(videoMoveSchema, req.body);
    const outcome = await deps.library.move(creatorOf(req).id, videoId, direction);
    const target = `video-${videoId}`;
    if (outcome === 'edge') setFlashAt(req, target, `That video is already ${direction === 'up' ? 'first' : 'last'}.`);
    else setFlashAt(req, target, `Moved the video ${direction}.`, 'ok');
    res.redirect(303, `${LIBRARY}#video-${videoId}`);
  };

  /** The confirmation step: a page that names the video and asks once more. */
  const confirmDelete: RequestHandler = async (req, res) => {
    const video = await deps.library.find(creatorOf(req).id, videoIdOf(req));
    res.render('pages/video-delete', { title: `Delete “${video.title}”?`, video });
  };

  const remove: RequestHandler = async (req, res) => {
    const { title } = await deps.library.remove(creatorOf(req).id, videoIdOf(req));
    setFlash(req, `Deleted “${title}”. Its storage and video slot are free again.`, 'ok');
    res.redirect(303, LIBRARY);
  };

  return { show, rename, move, confirmDelete, remove };
}
