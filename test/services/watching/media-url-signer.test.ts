/**
 * The one signer of media URLs, for the course pages' player and the embedded (Whop iframe) one:
 * each URL is accepted for exactly the viewer and video it was signed for, until it expires
 * (300 s at most, against an injected clock), nothing changed in it — viewer, company, video,
 * expiry or signature — is accepted, and a URL of one player is refused by the other.
 */
import { expect } from 'chai';
import { createMediaUrlSigner, SIGNED_MEDIA_TTL_SECONDS } from '../../../src/services/watching/media-url-signer.ts';

for (const surface of ['course', 'embedded'] as const)
  describe(`signed media URLs (${surface} player)`, () => {
    let nowMs = 1_800_000_000_500;
    const signer = createMediaUrlSigner({ secret: 'a session secret for tests', now: () => nowMs, surface });
    const query = (text: string) => Object.fromEntries(new URLSearchParams(text));
    const student = { whopUserId: 'user_student1', creatorId: null };
    const creator = { whopUserId: 'user_creator1', creatorId: 12 };

    it('names the viewer it was signed for, the company they run included, until it expires', () => {
      expect(signer.verify(7, query(signer.sign(student, 7)))).to.deep.equal(student);
      expect(signer.verify(7, query(signer.sign(creator, 7)))).to.deep.equal(creator);
    });

    it('expires 300 s after it was signed, to the second', () => {
      const start = nowMs;
      const signed = query(signer.sign(student, 7));
      expect(Number(signed.expires)).to.equal(Math.floor(start / 1000) + SIGNED_MEDIA_TTL_SECONDS);
      nowMs = start + SIGNED_MEDIA_TTL_SECONDS * 1000;
      expect(signer.verify(7, signed)).to.deep.equal(student);
      nowMs = start + (SIGNED_MEDIA_TTL_SECONDS + 1) * 1000;
      expect(signer.verify(7, signed)).to.equal(null);
      nowMs = start;
    });

    it('refuses an expiry further away than 300 s, even correctly signed (a clock moved back)', () => {
      const later = createMediaUrlSigner({ secret: 'a session secret for tests', now: () => nowMs + 10_000, surface });
      expect(signer.verify(7, query(later.sign(student, 7)))).to.equal(null);
    });

    it('refuses it for another video, viewer or company, or with a changed expiry or signature', () => {
      const signed = query(signer.sign(student, 7));
      expect(signer.verify(8, signed)).to.equal(null);
      expect(signer.verify(7, { ...signed, viewer: 'user_student2' })).to.equal(null);
      expect(signer.verify(7, { ...signed, creator: '12' })).to.equal(null);
      expect(signer.verify(7, { ...signed, expires: String(Number(signed.expires) - 1) })).to.equal(null);
      const flipped = signed.signature!.startsWith('A')
        ? `B${signed.signature!.slice(1)}`
        : `A${signed.signature!.slice(1)}`;
      expect(signer.verify(7, { ...signed, signature: flipped })).to.equal(null);
      expect(signer.verify(7, { ...signed, signature: signed.signature!.slice(0, -2) })).to.equal(null);
    });

    it('refuses missing, repeated and malformed parts', () => {
      const signed = query(signer.sign(student, 7));
      for (const key of ['viewer', 'creator', 'expires', 'signature']) {
        const { [key]: _dropped, ...rest } = signed;
        expect(signer.verify(7, rest), key).to.equal(null);
        expect(signer.verify(7, { ...signed, [key]: [signed[key], signed[key]] }), `${key} twice`).to.equal(null);
      }
      expect(signer.verify(7, { ...signed, expires: '1e12' })).to.equal(null);
      expect(signer.verify(7, { ...signed, creator: '-1' })).to.equal(null);
    });

    it('refuses a URL signed with another secret, or for the other player', () => {
      const other = createMediaUrlSigner({ secret: 'another secret', now: () => nowMs, surface });
      expect(signer.verify(7, query(other.sign(student, 7)))).to.equal(null);
      const otherSurface = surface === 'course' ? 'embedded' : 'course';
      const otherPlayer = createMediaUrlSigner({
        secret: 'a session secret for tests',
        now: () => nowMs,
        surface: otherSurface,
      });
      expect(signer.verify(7, query(otherPlayer.sign(student, 7)))).to.equal(null);
    });

    it('signs and verifies nothing without a secret, naming SESSION_SECRET', () => {
      for (const secret of ['', undefined]) {
        const unkeyed = createMediaUrlSigner({ secret, now: () => nowMs, surface });
        const named = `SESSION_SECRET is required to sign ${surface} media URLs`;
        expect(() => unkeyed.sign(student, 7)).to.throw(named);
        expect(() => unkeyed.verify(7, query(signer.sign(student, 7)))).to.throw(named);
      }
    });
  });
