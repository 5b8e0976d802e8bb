/**
 * The worker builds the same services as the web but starts without SESSION_SECRET (sessions
 * and signed pages are the web's; config/production-requirements.ts): its runtime must build,
 * and a signer asked for a signature without the secret names the setting instead.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { buildRuntime } from '../../../src/runtime.ts';
import { testConfig, testDatabase } from '../../support/test-runtime.ts';

describe('services built without SESSION_SECRET (the worker)', () => {
  it('build, and every signer refuses to sign with the setting named', async () => {
    const db = await testDatabase();
    const config = { ...testConfig({}, db.url), sessionSecrets: [] };
    const runtime = await buildRuntime(config, pino({ level: 'silent' }), { migrate: false, databaseUrl: db.url });
    try {
      const { mediaUrls, embeddedMediaUrls, embeddedSignatures } = runtime.deps.services;
      const viewer = { whopUserId: 'user_member1', creatorId: null };
      expect(() => mediaUrls.sign(viewer, 1)).to.throw('SESSION_SECRET is required to sign course media URLs');
      expect(() => embeddedMediaUrls.sign(viewer, 1)).to.throw(
        'SESSION_SECRET is required to sign embedded media URLs',
      );
      expect(() => embeddedSignatures.csrfToken('user_member1', 'exp_1')).to.throw(
        'SESSION_SECRET is required to sign the embedded pages’ CSRF tokens',
      );
    } finally {
      await runtime.close();
    }
  });

  it('with the secret, signs and verifies as before', async () => {
    const db = await testDatabase();
    const runtime = await buildRuntime(testConfig({}, db.url), pino({ level: 'silent' }), {
      migrate: false,
      databaseUrl: db.url,
    });
    try {
      const { mediaUrls } = runtime.deps.services;
      const query = Object.fromEntries(new URLSearchParams(mediaUrls.sign({ whopUserId: 'user_a', creatorId: 7 }, 3)));
      expect(mediaUrls.verify(3, query)).to.deep.equal({ whopUserId: 'user_a', creatorId: 7 });
    } finally {
      await runtime.close();
    }
  });
});
