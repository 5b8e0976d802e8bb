/**
 * Where each viewer stopped in each video, how long they watched it, and whether they
 * completed it.
 *
 * - The position is the player's `currentTime`: finite, at least 0, at most the video's length.
 *   Anything else is refused with a ValidationError and nothing is stored.
 * - Watch time is claimed by the player ("I played N seconds since my last save") but each save
 *   is credited at most the wall-clock time since the last save of that viewer and video, on
 *   Chronos's clock. A client can therefore not inflate it faster than time passes, and two tabs
 *   of one viewer share one budget. The first save of a video starts the clock and credits 0.
 * - A video is completed when the watch time reaches 90 % of its length. Watch time, not
 *   position: seeking to the end costs nothing, watching does. `completed_at` is set once.
 *
 * Each save is one atomic upsert, so concurrent saves never lose or double-count time.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { ValidationError } from '../../domain/app-errors.ts';

export const COMPLETION_SHARE = 0.9;
/** Positions this close to the end resume from the start (the video was watched to its end). */
const RESTART_SHARE = 0.95;
/** No single save claims more than an hour; the clock bounds it more tightly anyway. */
const MAX_CLAIM_SECONDS = 3600;

export interface ProgressInput {
  userId: number;
  video: { id: number; durationSeconds: number | null };
  /** Seconds into the video. */
  position: unknown;
  /** Seconds the viewer played since their last save, as the player measured them. */
  watched: unknown;
}

export interface SavedProgress {
  positionSeconds: number;
  watchedSeconds: number;
  completed: boolean;
}

export interface ContinueWatching {
  videoId: number;
  title: string;
  positionSeconds: number;
  durationSeconds: number | null;
  whopCompanyId: string;
  creatorName: string;
}

interface ProgressRow {
  position_seconds: number;
  watched_seconds: number;
  completed_at: Date | null;
}

function seconds(value: unknown, field: string, max: number | null): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new ValidationError(`${field} must be a number of seconds`, [{ field, message: 'not a finite number' }]);
  if (n < 0) throw new ValidationError(`${field} must not be negative`, [{ field, message: 'below 0' }]);
  if (max !== null && n > max)
    throw new ValidationError(`${field} must be at most ${max} seconds`, [{ field, message: `above ${max}` }]);
  return n;
}

export function createWatchProgressService(deps: { sequelize: Sequelize; now?: () => number }) {
  const { sequelize } = deps;
  const now = deps.now ?? Date.now;

  async function save(input: ProgressInput): Promise<SavedProgress> {
    const duration =
      input.video.durationSeconds && input.video.durationSeconds > 0 ? input.video.durationSeconds : null;
    const position = seconds(input.position, 'position', duration);
    const watched = seconds(input.watched ?? 0, 'watched', MAX_CLAIM_SECONDS);
    // What this save adds: the claim, but never more than the time since the last save.
    const credit =
      'LEAST(CAST(:watched AS double precision), GREATEST(0, EXTRACT(EPOCH FROM CAST(:now AS timestamptz) - ' +
      'w.last_saved_at)))';
    const [row] = await sequelize.query<ProgressRow>(
      `INSERT INTO watch_progress AS w (user_id, video_id, position_seconds, watched_seconds, last_saved_at)
       VALUES (:userId, :videoId, :position, 0, CAST(:now AS timestamptz))
       ON CONFLICT (user_id, video_id) DO UPDATE SET
         position_seconds = EXCLUDED.position_seconds,
         watched_seconds = w.watched_seconds + ${credit},
         completed_at = coalesce(w.completed_at,
           CASE WHEN :threshold > 0 AND w.watched_seconds + ${credit} >= :threshold THEN CAST(:now AS timestamptz) END),
         last_saved_at = GREATEST(w.last_saved_at, EXCLUDED.last_saved_at),
         updated_at = now()
       RETURNING position_seconds, watched_seconds, completed_at`,
      {
        replacements: {
          now: new Date(now()).toISOString(),
          position,
          watched,
          threshold: duration === null ? 0 : duration * COMPLETION_SHARE,
          userId: input.userId,
          videoId: input.video.id,
        },
        type: QueryTypes.SELECT,
      },
    );
    return {
      positionSeconds: Number(row!.position_seconds),
      watchedSeconds: Number(row!.watched_seconds),
      completed: row!.completed_at !== null,
    };
  }

  /** Where the player should start: the saved position, or 0 when none or near the end. */
  async function resumeAt(userId: number, video: { id: number; durationSeconds: number | null }): Promise<number> {
    const [row] = await sequelize.query<{ position_seconds: number }>(
      'SELECT position_seconds FROM watch_progress WHERE user_id = :userId AND video_id = :videoId',
      { replacements: { userId, videoId: video.id }, type: QueryTypes.SELECT },
    );
    const position = Number(row?.position_seconds ?? 0);
    if (video.durationSeconds && position >= video.durationSeconds * RESTART_SHARE) return 0;
    return position;
  }

  /**
   * The viewer's videos started and not completed, most recent first, of creators they still
   * have access to (a ready video of an `active` student's creator).
   */
  async function continueWatching(user: { id: number; whopUserId: string }, limit = 5): Promise<ContinueWatching[]> {
    const rows = await sequelize.query<{
      video_id: number;
      title: string;
      position_seconds: number;
      duration_seconds: number | null;
      whop_company_id: string;
      company_name: string | null;
    }>(
      `SELECT w.video_id, v.title, w.position_seconds, v.duration_seconds, c.whop_company_id, c.company_name
         FROM watch_progress w
         JOIN videos v ON v.id = w.video_id AND v.status = 'ready'
         JOIN creators c ON c.id = v.creator_id
         JOIN students s ON s.creator_id = c.id AND s.whop_user_id = :whopUserId AND s.status = 'active'
        WHERE w.user_id = :userId AND w.completed_at IS NULL AND w.position_seconds > 0
        ORDER BY w.last_saved_at DESC, w.video_id
        LIMIT :limit`,
      { replacements: { userId: user.id, whopUserId: user.whopUserId, limit }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      videoId: r.video_id,
      title: r.title,
      positionSeconds: Number(r.position_seconds),
      durationSeconds: r.duration_seconds,
      whopCompanyId: r.whop_company_id,
      creatorName: r.company_name ?? r.whop_company_id,
    }));
  }

  return { save, resumeAt, continueWatching };
}

export type WatchProgressService = ReturnType<typeof createWatchProgressService>;
