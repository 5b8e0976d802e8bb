/**
 * The life of an upload around the tus protocol: creation reserves against the tier's limits
 * (refusing with a sentence that names what remains), completion checks the stored bytes are
 * an accepted video and makes it ready, and an abort, a refusal of the content or an expiry
 * removes the bytes and gives the reservation back. Protocol details stay in the controller.
 */
import type { Logger } from 'pino';
import { formatBytes } from '../../domain/byte-units.ts';
import { TIER_TABLE, type Tier } from '../../domain/tier-table.ts';
import type { MediaStorage } from '../../infra/storage/media-storage.ts';
import { errorMessage } from '../../domain/app-errors.ts';
import type { PlansService } from '../tiers/plans-service.ts';
import { ACCEPTED_FORMATS, type MediaProbe } from './media-probe.ts';
import type { UploadReservations } from './upload-reservations.ts';

export type UploadRefusal = { status: number; message: string };

const TITLE_MAX = 200;

/** "Week 1 – Intro.final.mp4" → "Week 1 – Intro.final": the file's name without its extension, tidied. */
export function titleFromFilename(filename: string | null | undefined): string {
  const base = (filename ?? '').replace(/^.*[\\/]/, '');
  const withoutExtension = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const tidy = withoutExtension.replace(/\s+/g, ' ').trim();
  return (tidy || 'Untitled video').slice(0, TITLE_MAX);
}

export function createUploadService(deps: {
  reservations: UploadReservations;
  storage: MediaStorage;
  probe: MediaProbe;
  plans: Pick<PlansService, 'upgradeUrl'>;
  logger: Logger;
  uploadMaxBytes: number;
  uploadExpiryMs: number;
}) {
  const { reservations, storage, logger } = deps;

  function limitSentence(limit: 'videos' | 'storage', tier: Tier, remaining: number, limitValue: number): string {
    const plan = TIER_TABLE[tier].name;
    const upgrade = deps.plans.upgradeUrl(tier) ? ' Upgrade your plan for more.' : '';
    if (limit === 'videos')
      return (
        `Your ${plan} plan holds ${limitValue} videos and you have no slot left. Delete a video or ` +
        `upgrade.${upgrade}`
      );
    return (
      `This file does not fit: ${formatBytes(remaining)} of your ${plan} plan's ` +
      `${formatBytes(limitValue)} storage is left.${upgrade}`
    );
  }

  return {
    /** Reserves a slot and the declared bytes for a new upload, or says why not. */
    async create(input: {
      creatorId: number;
      uploadId: string;
      filename: string | null | undefined;
      sizeBytes: number;
    }): Promise<UploadRefusal | null> {
      if (input.sizeBytes <= 0) return { status: 400, message: 'This file is empty: choose a video file.' };
      if (input.sizeBytes > deps.uploadMaxBytes)
        return {
          status: 413,
          message:
            `This file is ${formatBytes(input.sizeBytes)}; a video can be at most ` +
            `${formatBytes(deps.uploadMaxBytes)}.`,
        };
      const outcome = await reservations.reserve({
        creatorId: input.creatorId,
        uploadId: input.uploadId,
        title: titleFromFilename(input.filename),
        sizeBytes: input.sizeBytes,
      });
      if (outcome.reserved) return null;
      return {
        status: 403,
        message: limitSentence(outcome.limit, outcome.tier, outcome.remaining, outcome.limitValue),
      };
    },

    /** Whether this unfinished upload belongs to this creator. */
    async owns(creatorId: number, uploadId: string): Promise<boolean> {
      return (await reservations.findUploading(creatorId, uploadId)) !== undefined;
    },

    /**
     * The size of the creator's finished upload with this id, or undefined: a tus HEAD for it says
     * "complete", so a client whose last PATCH lost its answer finishes instead of starting over.
     */
    finishedSize(creatorId: number, uploadId: string): Promise<number | undefined> {
      return reservations.finishedSize(creatorId, uploadId);
    },

    /** All bytes are in: a readable video becomes ready; anything else is removed and its reservation released. */
    async finish(uploadId: string, sizeBytes: number): Promise<UploadRefusal | null> {
      const probed = await deps.probe.probe(sizeBytes, (length, offset) => storage.read(uploadId, offset, length));
      if (probed && (await reservations.complete(uploadId, probed))) return null;
      await this.discard(uploadId);
      if (!probed)
        return { status: 415, message: `This file is not a video we can play. Upload an ${ACCEPTED_FORMATS} file.` };
      return { status: 410, message: 'This upload was cancelled or has expired. Start it again.' };
    },

    /**
     * The creator aborts an unfinished upload: its reservation is given back at once (tus then
     * removes the bytes; should that fail, the storage sweeper removes the orphan).
     */
    async abort(uploadId: string): Promise<void> {
      await reservations.release(uploadId);
    },

    /** Removes an unfinished upload's bytes and gives its reservation back (abort, refused content). */
    async discard(uploadId: string): Promise<void> {
      await storage.remove(uploadId);
      await reservations.release(uploadId);
    },

    /** Removes the uploads left unfinished past the expiry and releases their reservations; returns how many. */
    async expire(): Promise<number> {
      let count = 0;
      for (const uploadId of await reservations.expired(deps.uploadExpiryMs)) {
        try {
          await this.discard(uploadId);
          count += 1;
        } catch (error) {
          logger.warn(
            { uploadId, err: { message: errorMessage(error) } },
            'expired upload not removed; retried next run',
          );
        }
      }
      if (count > 0) logger.info({ count }, 'expired uploads removed, reservations released');
      return count;
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
