/** The one place that picks the media storage backend from the configuration. */
import { resolve } from 'node:path';
import type { Config } from '../../config/config.ts';
import { createDiskStorage } from './disk-storage.ts';
import type { MediaStorage } from './media-storage.ts';
import { createS3Storage } from './s3-storage.ts';

export function createMediaStorage(config: Readonly<Config>): MediaStorage {
  const { media } = config;
  switch (media.storage) {
    case 'disk':
      return createDiskStorage({ directory: resolve(media.directory), uploadExpiryMs: media.uploadExpiryMs });
    case 's3':
      return createS3Storage({ ...media.s3, uploadExpiryMs: media.uploadExpiryMs });
  }
}
