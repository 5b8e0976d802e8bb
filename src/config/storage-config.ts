/**
 * Where media lives, from STORAGE, the S3_* settings and the upload limits (parsed by
 * env-schema.ts for config.ts, the one reader of the environment). Production must name its
 * storage: platform disks are ephemeral, so a silent fallback to disk would lose every video
 * at the next deploy.
 */

export type StorageChoice = 'disk' | 's3';

export interface S3Settings {
  bucket: string;
  region: string;
  /** Unset: AWS itself. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Unset: the SDK's default credential chain (instance role, shared files). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export type MediaStorageConfig = { storage: 'disk' } | { storage: 's3'; s3: S3Settings };

/** Where video bytes live: `storage` disk (under `directory`) or s3 (with its `s3` settings). */
export type MediaConfig = MediaStorageConfig & {
  directory: string;
  /** The hard cap per uploaded file. */
  uploadMaxBytes: number;
  /** An unfinished upload is removed, and its reservation released, this long after it was created. */
  uploadExpiryMs: number;
  /** A Range of a video up to this long is read from disk in one read (src/http/send-file.ts). */
  maxReadBytes: number;
};

/** The settings this module reads, as env-schema.ts parsed them (or raw strings, for presence checks). */
export interface StorageEnv {
  STORAGE?: string;
  S3_BUCKET?: string;
  S3_REGION?: string;
  S3_ENDPOINT?: string;
  S3_FORCE_PATH_STYLE?: boolean | string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
}

export const STORAGE_REQUIRED_IN_PRODUCTION =
  'STORAGE is required in production: s3 (platform disks are ephemeral) or disk, chosen explicitly';

/** Every storage setting that is missing: only presence is checked, so it works on raw values too. */
export function storageProblems(env: StorageEnv, isProduction: boolean): string[] {
  if (env.STORAGE === undefined) return isProduction ? [STORAGE_REQUIRED_IN_PRODUCTION] : [];
  if (env.STORAGE !== 's3') return [];
  const problems: string[] = [];
  for (const name of ['S3_BUCKET', 'S3_REGION'] as const)
    if (env[name] === undefined) problems.push(`${name} is required when STORAGE=s3`);
  // One half of a key pair is a typo, not a wish for the default credential chain.
  if (env.S3_ACCESS_KEY_ID !== undefined && env.S3_SECRET_ACCESS_KEY === undefined)
    problems.push('S3_SECRET_ACCESS_KEY is required when S3_ACCESS_KEY_ID is set');
  if (env.S3_SECRET_ACCESS_KEY !== undefined && env.S3_ACCESS_KEY_ID === undefined)
    problems.push('S3_ACCESS_KEY_ID is required when S3_SECRET_ACCESS_KEY is set');
  return problems;
}

/** The storage choice of settings that `storageProblems` accepted; outside production an unset STORAGE is disk. */
export function mediaStorageConfig(env: StorageEnv): MediaStorageConfig {
  if (env.STORAGE !== 's3') return { storage: 'disk' };
  const { S3_BUCKET: bucket, S3_REGION: region, S3_ACCESS_KEY_ID: accessKeyId } = env;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY;
  if (bucket === undefined || region === undefined) throw new Error('unreachable: checked by storageProblems');
  return {
    storage: 's3',
    s3: {
      bucket,
      region,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === true,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined,
    },
  };
}

/** The media settings of an environment that `storageProblems` accepted. */
export function mediaConfig(
  env: StorageEnv & {
    VAR_DIR: string;
    MEDIA_DIR?: string;
    UPLOAD_MAX_BYTES: number;
    UPLOAD_EXPIRY_HOURS: number;
    MEDIA_READ_KIB: number;
  },
): MediaConfig {
  return {
    ...mediaStorageConfig(env),
    directory: env.MEDIA_DIR ?? `${env.VAR_DIR}/media`,
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    uploadExpiryMs: env.UPLOAD_EXPIRY_HOURS * 3_600_000,
    maxReadBytes: env.MEDIA_READ_KIB * 1024,
  };
}
