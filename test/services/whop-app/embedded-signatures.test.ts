/**
 * The embedded pages' signed media URLs (user, video, expiry; at most 300 s) and CSRF tokens
 * (user, experience or company): each accepts exactly what it was made for, and nothing after
 * its expiry, against an injected clock.
 */
import { expect } from 'chai';
import { createEmbeddedSignatures, MEDIA_URL_TTL_SECONDS } from '../../../src/services/whop-app/embedded-signatures.ts';

describe('embedded signatures', () => {
  let nowMs = 1_800_000_000_000;
  const signatures = createEmbeddedSignatures({ secret: 'a session secret for tests', now: () => nowMs });
  const query = (text: string) => Object.fromEntries(new URLSearchParams(text));

  it('accepts a media URL for its user and video until it expires, and never later than 300 s', () => {
    const signed = query(signatures.mediaQuery('user_a', 7, 10_000));
    expect(Number(signed.expires) - nowMs / 1000).to.equal(MEDIA_URL_TTL_SECONDS);
    expect(signatures.verifyMedia(7, signed)).to.deep.include({ whopUserId: 'user_a', videoId: 7 });
    nowMs += MEDIA_URL_TTL_SECONDS * 1000;
    expect(signatures.verifyMedia(7, signed)).to.not.equal(null);
    nowMs += 1000;
    expect(signatures.verifyMedia(7, signed)).to.equal(null);
  });

  it('refuses a media URL for another video or user, a changed expiry, or a missing part', () => {
    const signed = query(signatures.mediaQuery('user_a', 7));
    expect(signatures.verifyMedia(8, signed)).to.equal(null);
    expect(signatures.verifyMedia(7, { ...signed, user: 'user_b' })).to.equal(null);
    expect(signatures.verifyMedia(7, { ...signed, expires: String(Number(signed.expires) + 60) })).to.equal(null);
    expect(signatures.verifyMedia(7, { user: signed.user, expires: signed.expires })).to.equal(null);
    expect(signatures.verifyMedia(7, { ...signed, expires: '1e12' })).to.equal(null);
  });

  it('refuses a media URL signed with another secret', () => {
    const other = createEmbeddedSignatures({ secret: 'another secret', now: () => nowMs });
    expect(signatures.verifyMedia(7, query(other.mediaQuery('user_a', 7)))).to.equal(null);
  });

  it('binds CSRF tokens to the user and the experience', () => {
    const token = signatures.csrfToken('user_a', 'experience:exp_1');
    expect(signatures.verifyCsrf(token, 'user_a', 'experience:exp_1')).to.equal(true);
    expect(signatures.verifyCsrf(token, 'user_b', 'experience:exp_1')).to.equal(false);
    expect(signatures.verifyCsrf(token, 'user_a', 'experience:exp_2')).to.equal(false);
    expect(signatures.verifyCsrf(undefined, 'user_a', 'experience:exp_1')).to.equal(false);
  });

  it('needs a secret', () => {
    expect(() => createEmbeddedSignatures({ secret: '', now: () => nowMs })).to.throw();
  });
});
