import { expect } from 'chai';
import { loadConfig, type Env } from '../../src/config/config.ts';
import { STORAGE_REQUIRED_IN_PRODUCTION } from '../../src/config/storage-config.ts';
import { developmentEnv, problemsOf, productionEnv, withoutSettings } from '../support/config-env.ts';

const production = withoutSettings(productionEnv(), 'STORAGE');
const s3: Env = { STORAGE: 's3', S3_BUCKET: 'chronos-media', S3_REGION: 'eu-west-1' };

describe('config: media storage (STORAGE, S3_*)', () => {
  it('stores on disk under var/media outside production when STORAGE is unset', () => {
    const env = developmentEnv();
    const { media } = loadConfig(env);
    expect(media.storage).to.equal('disk');
    expect(media).to.not.have.property('s3');
    expect(media.directory).to.equal(`${env.VAR_DIR}/media`);
  });

  it('streams videos from disk 1 MiB per read unless MEDIA_READ_KIB says otherwise, within 16 KiB to 8 MiB', () => {
    expect(loadConfig(developmentEnv()).media.maxReadBytes).to.equal(1024 * 1024);
    expect(loadConfig(developmentEnv({ MEDIA_READ_KIB: '64' })).media.maxReadBytes).to.equal(64 * 1024);
    for (const bad of ['8', '8193', 'lots', '-1'])
      expect(problemsOf(developmentEnv({ MEDIA_READ_KIB: bad })).some((p) => p.startsWith('MEDIA_READ_KIB'))).to.equal(
        true,
      );
  });

  it('refuses a production without STORAGE, saying why, instead of falling back to an ephemeral disk', () => {
    expect(problemsOf(production)).to.deep.equal([STORAGE_REQUIRED_IN_PRODUCTION]);
    expect(problemsOf({ ...production, STORAGE: ' ' })).to.deep.equal([STORAGE_REQUIRED_IN_PRODUCTION]);
    expect(STORAGE_REQUIRED_IN_PRODUCTION).to.equal(
      'STORAGE is required in production: s3 (platform disks are ephemeral) or disk, chosen explicitly',
    );
  });

  it('names a missing STORAGE beside malformed settings in the same production report', () => {
    const problems = problemsOf({ ...production, PORT: 'eighty' });
    expect(problems.some((p) => p.startsWith('PORT'))).to.equal(true);
    expect(problems).to.include(STORAGE_REQUIRED_IN_PRODUCTION);
  });

  it('accepts disk in production when chosen explicitly', () => {
    expect(loadConfig({ ...production, STORAGE: 'disk' }).media.storage).to.equal('disk');
  });

  it('builds the S3 settings, with the default credential chain when no key is given', () => {
    const { media } = loadConfig({ ...production, ...s3 });
    expect(media).to.deep.include({
      storage: 's3',
      s3: {
        bucket: 'chronos-media',
        region: 'eu-west-1',
        endpoint: undefined,
        forcePathStyle: false,
        credentials: undefined,
      },
    });
  });

  it('takes an S3-compatible endpoint, path-style addressing and a key pair', () => {
    const { media } = loadConfig(
      developmentEnv({
        ...s3,
        S3_REGION: 'auto',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_FORCE_PATH_STYLE: 'on',
        S3_ACCESS_KEY_ID: 'AKID',
        S3_SECRET_ACCESS_KEY: 'secret-key',
      }),
    );
    if (media.storage !== 's3') expect.fail('expected s3');
    expect(media.s3).to.deep.equal({
      bucket: 'chronos-media',
      region: 'auto',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret-key' },
    });
  });

  it('refuses S3 without a bucket or a region, naming each, in production and outside it', () => {
    for (const base of [production, developmentEnv()]) {
      expect(problemsOf({ ...base, STORAGE: 's3' })).to.deep.equal([
        'S3_BUCKET is required when STORAGE=s3',
        'S3_REGION is required when STORAGE=s3',
      ]);
      expect(problemsOf({ ...base, ...s3, S3_REGION: '' })).to.deep.equal(['S3_REGION is required when STORAGE=s3']);
    }
  });

  it('refuses half a key pair rather than guessing, and gives no secret a fallback', () => {
    expect(problemsOf({ ...production, ...s3, S3_ACCESS_KEY_ID: 'AKID' })).to.deep.equal([
      'S3_SECRET_ACCESS_KEY is required when S3_ACCESS_KEY_ID is set',
    ]);
    expect(problemsOf(developmentEnv({ ...s3, S3_SECRET_ACCESS_KEY: 'secret-key' }))).to.deep.equal([
      'S3_ACCESS_KEY_ID is required when S3_SECRET_ACCESS_KEY is set',
    ]);
  });

  it('refuses malformed storage settings, naming each', () => {
    const problems = problemsOf(
      developmentEnv({
        STORAGE: 'gcs',
        S3_BUCKET: 'Not_A_Bucket',
        S3_REGION: 'EU WEST',
        S3_ENDPOINT: 'ftp://x',
        S3_FORCE_PATH_STYLE: 'maybe',
      }),
    );
    for (const name of ['STORAGE', 'S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE'])
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).to.equal(true);
  });

  it('ignores the S3 settings when STORAGE is disk', () => {
    const { media } = loadConfig(developmentEnv({ STORAGE: 'disk', S3_ACCESS_KEY_ID: 'AKID' }));
    expect(media).to.not.have.property('s3');
  });
});
