/**
 * Reads what a stored file is from its bytes, never from its name or the client's MIME type:
 * MediaInfoLib (mediainfo.js, WebAssembly, no system install) parses the container and the
 * tracks, reading only the chunks it asks for, so a 20 GB file costs a few reads. Accepted:
 * MP4, QuickTime and WebM with a video track. One MediaInfo instance serves the process; its
 * analyses run one at a time, as the instance is not re-entrant.
 */
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js';
import type { ProbedVideo } from './upload-reservations.ts';

export type ReadChunk = (length: number, offset: number) => Promise<Uint8Array>;

export const ACCEPTED_FORMATS = 'MP4, WebM or QuickTime (.mov)';

function containerOf(format: string | undefined, profile: string | undefined): string | null {
  if (format === 'WebM') return 'video/webm';
  if (format === 'MPEG-4') return profile === 'QuickTime' ? 'video/quicktime' : 'video/mp4';
  return null;
}

export function createMediaProbe() {
  let instance: Promise<MediaInfo<'object'>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function analyse(size: number, read: ReadChunk): Promise<ProbedVideo | null> {
    instance ??= mediaInfoFactory({ format: 'object' });
    const result = await (await instance).analyzeData(size, read);
    const tracks = result.media?.track ?? [];
    const general = tracks.find((t) => t['@type'] === 'General');
    const video = tracks.find((t) => t['@type'] === 'Video');
    const mimeType = containerOf(general?.Format, general?.Format_Profile);
    if (!general || !video || !mimeType) return null;
    const width = 'Width' in video ? Number(video.Width) : 0;
    const height = 'Height' in video ? Number(video.Height) : 0;
    const duration = Number(general.Duration ?? video.Duration ?? 0);
    if (!(width > 0) || !(height > 0) || !Number.isFinite(duration)) return null;
    return {
      mimeType,
      durationSeconds: Math.max(0, Math.round(duration)),
      width,
      height,
      codec: String(video.Format ?? 'unknown'),
    };
  }

  return {
    /** The video's container, duration, resolution and codec, or null when the bytes are not an accepted video. */
    probe(size: number, read: ReadChunk): Promise<ProbedVideo | null> {
      const run = queue.then(() => analyse(size, read));
      queue = run.catch(() => undefined);
      return run;
    },
    close(): void {
      void instance?.then((mi) => mi.close());
      instance = undefined;
    },
  };
}

export type MediaProbe = ReturnType<typeof createMediaProbe>;
