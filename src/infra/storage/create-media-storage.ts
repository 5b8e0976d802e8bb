/**
 * The one place that picks the media storage backend from the configuration. The S3 backend
 * (and the AWS SDK under it) is loaded only when chosen: a disk install never pays for it.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/config.ts';
import { createDiskStorage } from './disk-storage.ts';
import type { MediaStorage } from './media-storage.ts';

export async function createMediaStorage(config: Readonly<Config>): Promise<MediaStorage> {
  const { media } = config;
  switch (media.storage) {
    case 'disk':
      return createDiskStorage({
        directory: resolve(media.directory),
        uploadExpiryMs: media.uploadExpiryMs,
        maxReadBytes: media.maxReadBytes,
      });
    case 's3': {
      const { createS3Storage } = await import('./s3-storage.ts');
      return createS3Storage({ ...media.s3, uploadExpiryMs: media.uploadExpiryMs });
    }
  }
}
