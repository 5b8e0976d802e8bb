/**
 * tus 1.0 uploads (`@tus/server`: creation, termination, expiration) for signed-in creators.
 * The route has checked the session, the creator and the CSRF header before tus sees the
 * request. Here, tus's hooks ask the upload service: creation reserves against the tier's
 * limits, every later request must name an unfinished upload of this creator (ids are
 * unguessable and bound to their creator: anything else is 404; a HEAD of a finished one is
 * answered below, as complete), a DELETE gives the reservation back before tus removes the bytes,
 * and the last PATCH probes the bytes. Refusals are one plain-text sentence, which
 * the uploader shows as it is.
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Server } from '@tus/server';
import { Metadata, type DataStore, type Locker } from '@tus/utils';
import { creatorOf } from '../middleware/require-creator.ts';
import { errorMessage } from '../domain/app-errors.ts';
import { formatBytes } from '../domain/byte-units.ts';
import type { UploadService } from '../services/videos/upload-service.ts';

/** 24 random bytes, base64url: 32 characters, the storage key pattern's alphabet. */
const newUploadId = () => randomBytes(24).toString('base64url');

type TusRequest = { runtime?: { node?: { req: unknown } } };

function expressRequest(req: TusRequest): Request {
  const node = req.runtime?.node?.req;
  if (!node) throw new Error('tus request without its Node request');
  // srvx hands tus the Node request it wraps: the very object Express decorated (session, user).
  return node as Request;
}

const refuse = (status_code: number, body: string) => ({ status_code, body });
/** The tus version Chronos speaks, in every answer's `Tus-Resumable`. */
export const TUS_RESUMABLE = '1.0.0';

export function uploadController(deps: {
  path: string;
  datastore: DataStore;
  /** Held per upload across instances (src/infra/locks/tus-upload-locker.ts). */
  locker: Locker;
  uploads: UploadService;
  uploadMaxBytes: number;
  logger: Logger;
}): RequestHandler {
  const { uploads, logger } = deps;
  const tus = new Server({
    path: deps.path,
    datastore: deps.datastore,
    locker: deps.locker,
    relativeLocation: true,
    maxSize: deps.uploadMaxBytes,
    disableTerminationForFinishedUploads: true,
    namingFunction: newUploadId,
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST') return;
      if (!(await uploads.owns(creatorOf(expressRequest(req)).id, uploadId)))
        throw refuse(404, 'This upload does not exist, has finished or has expired.');
      if (req.method === 'DELETE') await uploads.abort(uploadId);
    },
    async onUploadCreate(req, upload) {
      const refusal = await uploads.create({
        creatorId: creatorOf(expressRequest(req)).id,
        uploadId: upload.id,
        filename: upload.metadata?.filename,
        sizeBytes: upload.size ?? 0,
      });
      if (refusal) throw refuse(refusal.status, refusal.message);
      return {};
    },
    async onUploadFinish(_req, upload) {
      const refusal = await uploads.finish(upload.id, upload.size ?? upload.offset);
      if (refusal) throw refuse(refusal.status, refusal.message);
      return {};
    },
    onResponseError(_req, error) {
      if ('status_code' in error && error.status_code === 413)
        return refuse(413, `This file is too large: a video can be at most ${formatBytes(deps.uploadMaxBytes)}.`);
      if ('status_code' in error) return undefined;
      logger.error({ err: { message: errorMessage(error) } }, 'upload request failed');
      return refuse(500, 'The upload failed on our side. Try again in a moment.');
    },
  });

  return (req, res, next) => {
    tus.handle(req, res).catch(next);
  };
}

/**
 * `HEAD /api/uploads/:uploadId` of an upload that has finished (its video is ready): complete, all
 * its bytes taken (tus: `Upload-Offset` equal to `Upload-Length`, with the `Upload-Metadata` it was
 * created with). tus only knows unfinished uploads, so without this a client whose last PATCH lost
 * its answer (a dropped connection, a reload) would hear 404 on its retry and upload the whole file
 * again, a second video. Any other request (another id, no `Tus-Resumable`) goes on to tus.
 */
export function finishedUploadHead(deps: {
  uploads: Pick<UploadService, 'finishedSize'>;
  datastore: Pick<DataStore, 'getUpload'>;
}): RequestHandler {
  return async (req, res, next) => {
    if (req.get('tus-resumable') !== TUS_RESUMABLE) return next();
    const uploadId = String(req.params.uploadId);
    const size = await deps.uploads.finishedSize(creatorOf(req).id, uploadId);
    if (size === undefined) return next();
    const stored = await deps.datastore.getUpload(uploadId).catch(() => undefined);
    if (stored?.metadata) res.set('Upload-Metadata', Metadata.stringify(stored.metadata));
    res
      .status(200)
      .set({ 'Tus-Resumable': TUS_RESUMABLE, 'Upload-Offset': String(size), 'Upload-Length': String(size) })
      .end();
  };
}
