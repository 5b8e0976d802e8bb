/**
 * A video as read with raw SQL, mapped to what the app hands on, in one place: the library
 * and the creator API read the same columns and must say the same thing about a video (sizes
 * are bigint, which pg returns as text; `created_at` becomes a Date).
 */
import type { VideoStatus } from '../../models/video-model.ts';

/** The columns of `VideoRow`, for a `SELECT` list. */
export const VIDEO_COLUMNS = 'id, title, status, size_bytes, duration_seconds, width, height, created_at';

export interface VideoRow {
  id: number;
  title: string;
  status: VideoStatus;
  size_bytes: string;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  created_at: Date;
}

export interface VideoSummary {
  id: number;
  title: string;
  status: VideoStatus;
  /** Reserved bytes while uploading, stored bytes once ready. */
  sizeBytes: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  createdAt: Date;
}

export function videoSummary(row: VideoRow): VideoSummary {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    sizeBytes: Number(row.size_bytes),
    durationSeconds: row.duration_seconds,
    width: row.width,
    height: row.height,
    createdAt: new Date(row.created_at),
  };
}
