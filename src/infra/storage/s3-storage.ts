/**
 * Media in S3-compatible object storage (AWS S3, Cloudflare R2, MinIO): tus's S3Store writes
 * each upload as a multipart upload of the object `<id>`, with its tus metadata in `<id>.info`
 * and a chunk too small for a part in `<id>.part`. Players get a presigned URL that expires
 * within five minutes, so a leaked link stops working soon. Keys are checked before any request.
 */
import {
  GetObjectCommand,
  S3,
  S3ServiceException,
  type ObjectIdentifier,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import { MemoryKvStore } from '@tus/utils';
import { checkedKey, STORAGE_KEY, type MediaStorage, type StoredObject } from './media-storage.ts';

/** A presigned URL never lives longer than this, whatever the caller asks. */
export const MAX_PLAYBACK_SECONDS = 300;

/** What S3Store keeps beside the object itself. */
const SIDE_OBJECTS = ['.info', '.part'] as const;

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Another S3-compatible service (R2, MinIO); unset is AWS. */
  endpoint?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, most self-hosted stores). */
  forcePathStyle: boolean;
  /** Unset: the SDK's default credential chain (instance role, shared files, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  uploadExpiryMs: number;
  /** The clock that dates presigned URLs' expiry. */
  now?: () => number;
}

/**
 * The origin presigned GETs point at, for the CSP's `media-src` (the browser follows the media
 * route's redirect there). Path style, and bucket names with dots (which the SDK cannot put in a
 * TLS host name), live on the endpoint's own host; otherwise the bucket is a subdomain of it.
 */
export function playbackOrigin(
  options: Pick<S3StorageOptions, 'bucket' | 'region' | 'endpoint' | 'forcePathStyle'>,
): string {
  const endpoint = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  if (options.forcePathStyle || options.bucket.includes('.')) return endpoint.origin;
  return `${endpoint.protocol}//${options.bucket}.${endpoint.host}`;
}

export function createS3Storage(options: S3StorageOptions): MediaStorage {
  const { bucket } = options;
  const now = options.now ?? Date.now;
  const clientConfig: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Checksums only where S3 demands them: several S3-compatible stores reject or mangle the
    // SDK's default CRC32 trailers, and a ranged GET cannot be checked against a whole-object sum.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const client = new S3(clientConfig);
  // Our own cache, so `remove` can forget an upload S3Store would otherwise still believe in.
  const cache = new MemoryKvStore<MetadataValue>();
  const uploads = new S3Store({
    s3ClientConfig: { ...clientConfig, bucket },
    cache,
    expirationPeriodInMilliseconds: options.uploadExpiryMs,
    // Tags only serve lifecycle rules, and R2 refuses tagged writes; expired uploads are removed by Chronos.
    useTags: false,
  });

  async function abortMultipartUploads(key: string): Promise<void> {
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await client.listMultipartUploads({ Bucket: bucket, Prefix: key, ...markers });
      for (const upload of page.Uploads ?? []) {
        if (upload.Key !== key || !upload.UploadId) continue;
        await client
          .abortMultipartUpload({ Bucket: bucket, Key: key, UploadId: upload.UploadId })
          .catch(ignoreNotFound);
      }
      if (!page.IsTruncated) return;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  return {
    kind: 's3',
    uploads,
    playbackOrigins: [playbackOrigin(options)],

    async read(key, start, length) {
      checkedKey(key);
      if (!Number.isInteger(start) || start < 0 || !Number.isInteger(length) || length < 0)
        throw new RangeError('start and length must be non-negative integers');
      if (length === 0) return Buffer.alloc(0);
      try {
        const object = await client.getObject({
          Bucket: bucket,
          Key: key,
          Range: `bytes=${start}-${start + length - 1}`,
        });
        return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      } catch (error) {
        // A range that starts at or past the end: the disk backend's answer, no bytes.
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) return Buffer.alloc(0);
        throw error;
      }
    },

    async put(key, bytes, contentType) {
      checkedKey(key);
      await client.putObject({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType });
    },

    async size(key) {
      checkedKey(key);
      try {
        return (await client.headObject({ Bucket: bucket, Key: key })).ContentLength ?? 0;
      } catch (error) {
        ignoreNotFound(error);
        return null;
      }
    },

    async remove(key) {
      checkedKey(key);
      // Not S3Store.remove: it fails on a finished upload (its multipart upload is gone), on an
      // absent one, and leaves `.part` behind. Listing the multipart uploads also finds one whose `.info` is lost.
      await abortMultipartUploads(key);
      const Objects: ObjectIdentifier[] = [{ Key: key }, ...SIDE_OBJECTS.map((suffix) => ({ Key: `${key}${suffix}` }))];
      const result = await client.deleteObjects({ Bucket: bucket, Delete: { Objects, Quiet: true } });
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) throw new Error(`could not remove ${key}: ${failed.map((e) => e.Code).join(', ')}`);
      await cache.delete(key);
    },

    async *list(): AsyncIterable<StoredObject> {
      // An upload's pieces are not adjacent in key order (`a-b` sorts between `a` and `a.info`),
      // so the listing is read whole; each key then carries its newest piece's time, as an
      // upload in progress rewrites `.part`, not `.info`.
      const newest = new Map<string, Date>();
      let ContinuationToken: string | undefined;
      do {
        const page = await client.listObjectsV2({ Bucket: bucket, ContinuationToken });
        for (const object of page.Contents ?? []) {
          const key = uploadKeyOf(object.Key ?? '');
          if (!key || !object.LastModified) continue;
          const seen = newest.get(key);
          if (!seen || seen < object.LastModified) newest.set(key, object.LastModified);
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      for (const [key, modifiedAt] of newest) yield { key, modifiedAt };
    },

    async playback(key, { ttlSeconds, contentType }) {
      checkedKey(key);
      if (!Number.isFinite(ttlSeconds) || ttlSeconds < 1) throw new RangeError('ttlSeconds must be at least 1');
      const expiresIn = Math.min(Math.floor(ttlSeconds), MAX_PLAYBACK_SECONDS);
      const signedAt = now();
      const command = new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: contentType });
      const url = await getSignedUrl(client, command, { expiresIn, signingDate: new Date(signedAt) });
      return { kind: 'redirect', url, expiresAt: new Date(signedAt + expiresIn * 1000) };
    },

    async close() {
      client.destroy();
    },
  };
}

/** The upload a stored object belongs to (`<id>`, `<id>.info`, `<id>.part`), or null for anything else. */
function uploadKeyOf(objectKey: string): string | null {
  const suffix = SIDE_OBJECTS.find((s) => objectKey.endsWith(s));
  const key = suffix ? objectKey.slice(0, -suffix.length) : objectKey;
  return STORAGE_KEY.test(key) ? key : null;
}

/** Swallows S3's "not there" (404: NoSuchKey, NotFound, NoSuchUpload); rethrows anything else. */
function ignoreNotFound(error: unknown): void {
  if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return;
  throw error;
}
