import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser, type BrowserResponse } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { movableClock } from '../support/test-clock.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import type { Tier } from '../../src/domain/tier-table.ts';

const GB = 1024 ** 3;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/media/${name}`, import.meta.url));
const WEBM = fixture('sample.webm');

interface Uploader {
  browser: TestBrowser;
  csrf: string;
  creatorId: number;
}

/** tus `Upload-Metadata`: comma-separated `key base64(value)` pairs. */
const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

/** The storage settings of each backend: disk in the test's own folder, S3 on an S3-protocol server the test starts. */
const BACKENDS = {
  disk: async () => ({ env: {}, close: async () => {} }),
  s3: async () => {
    const s3: TestS3Server = await startS3Server();
    return {
      env: {
        STORAGE: 's3',
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'on',
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
      close: () => s3.close(),
    };
  },
};

for (const [kind, backend] of Object.entries(BACKENDS))
  describe(`uploads over tus (/api/uploads), ${kind} storage`, () => {
    let t: ChronosWithSandbox;
    let closeBackend: () => Promise<void>;
    const clock = movableClock();

    before(async () => {
      const storage = await backend();
      closeBackend = storage.close;
      t = await startChronosWithSandbox({
        env: { UPLOAD_MAX_BYTES: String(50 * GB), ...storage.env },
        services: { now: clock.now },
      });
    });
    beforeEach(() => cleanTables(t.runtime.deps.sequelize));
    after(async () => {
      await t.close();
      await closeBackend();
    });

    async function creator(tier: Tier = 'free', whopUserId = 'user_creator_free', company = 'biz_creator1') {
      const { User, Creator } = t.runtime.deps.models;
      const browser = await t.signIn(whopUserId);
      const user = (await User.findOne({ where: { whopUserId } }))!;
      const row = await Creator.create({
        whopCompanyId: company,
        companyName: company,
        ownerUserId: user.id,
        tier,
        tierSourceMembershipId: null,
        tierUpdatedAt: new Date(),
        gracePeriodEndsAt: null,
      });
      const csrf = JSON.parse((await browser.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
      return { browser, csrf, creatorId: row.id } satisfies Uploader;
    }

    function tus(u: Uploader, path: string, method: string, headers: Record<string, string> = {}, bytes?: Uint8Array) {
      return u.browser.request(`${t.appUrl}${path}`, {
        method,
        bytes,
        headers: { 'tus-resumable': '1.0.0', 'x-csrf-token': u.csrf, ...headers },
      });
    }

    const create = (u: Uploader, length: number, filename = 'Lesson 1.webm') =>
      tus(u, '/api/uploads', 'POST', {
        'upload-length': String(length),
        'upload-metadata': metadata({ filename, filetype: 'video/webm' }),
      });

    const patch = (u: Uploader, location: string, offset: number, bytes: Uint8Array) =>
      tus(
        u,
        location,
        'PATCH',
        { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        bytes,
      );

    const locationOf = (r: BrowserResponse) => new URL(r.location!).pathname;

    async function upload(u: Uploader, bytes: Uint8Array, filename: string, chunk = bytes.length) {
      const created = await create(u, bytes.length, filename);
      expect(created.status, created.text).to.equal(201);
      const location = locationOf(created);
      let last: BrowserResponse = created;
      for (let offset = 0; offset < bytes.length; offset += chunk)
        last = await patch(u, location, offset, bytes.subarray(offset, offset + chunk));
      return { location, id: location.split('/').pop()!, last };
    }

    const videos = () =>
      t.runtime.deps.sequelize.query<Record<string, unknown>>('SELECT * FROM videos ORDER BY id', {
        type: QueryTypes.SELECT,
      });
    const counters = async (creatorId: number) => {
      const [row] = await t.runtime.deps.sequelize.query<{ video_count: number; storage_bytes: string }>(
        'SELECT video_count, storage_bytes FROM creators WHERE id = :creatorId',
        { replacements: { creatorId }, type: QueryTypes.SELECT },
      );
      return { videos: row!.video_count, bytes: Number(row!.storage_bytes) };
    };
    const storage = () => t.runtime.deps.services.mediaStorage;

    describe('a creator uploads a video', () => {
      it('takes the bytes in chunks, resumable at the offset HEAD reports, and makes a ready video from them', async () => {
        const u = await creator();
        const created = await create(u, WEBM.length, 'Week 1 – Welcome.webm');
        expect(created.status).to.equal(201);
        expect(created.headers.get('upload-expires')).to.be.a('string');
        const location = locationOf(created);
        expect(location).to.match(/^\/api\/uploads\/[A-Za-z0-9_-]{32}$/);

        const half = Math.floor(WEBM.length / 2);
        expect((await patch(u, location, 0, WEBM.subarray(0, half))).headers.get('upload-offset')).to.equal(
          String(half),
        );
        const head = await tus(u, location, 'HEAD');
        expect(head.status).to.equal(200);
        expect(head.headers.get('upload-offset')).to.equal(String(half));
        expect(head.headers.get('upload-length')).to.equal(String(WEBM.length));
        expect((await patch(u, location, 0, WEBM.subarray(0, 10))).status, 'a wrong offset').to.equal(409);

        const done = await patch(u, location, half, WEBM.subarray(half));
        expect(done.status).to.equal(204);
        const [video] = await videos();
        expect(video).to.include({
          title: 'Week 1 – Welcome',
          status: 'ready',
          mime_type: 'video/webm',
          duration_seconds: 4,
          width: 320,
          height: 240,
          codec: 'VP9',
          creator_id: u.creatorId,
        });
        expect(Number(video!.size_bytes)).to.equal(WEBM.length);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 1, bytes: WEBM.length });
        const key = video!.storage_key as string;
        expect(await storage().read(key, 0, WEBM.length)).to.deep.equal(WEBM);
      });

      for (const [file, mime, codec] of [
        ['sample.mp4', 'video/mp4', 'AVC'],
        ['sample.mov', 'video/quicktime', 'AVC'],
      ] as const)
        it(`recognises ${file} by its content as ${mime}, whatever its name says`, async () => {
          const u = await creator();
          const { last } = await upload(u, fixture(file), 'named-wrongly.webm', 20_000);
          expect(last.status).to.equal(204);
          expect((await videos())[0]).to.include({ status: 'ready', mime_type: mime, codec, duration_seconds: 4 });
        });
    });

    describe('refusals change nothing', () => {
      it('refuses a file that is not a video (a renamed zip) when its bytes are in: nothing stored, nothing reserved', async () => {
        const u = await creator();
        const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(5000, 7)]);
        const { id, last } = await upload(u, zip, 'lesson.mp4');
        expect(last.status).to.equal(415);
        expect(last.text).to.match(/not a video.*MP4, WebM or QuickTime/);
        expect(await videos()).to.have.length(0);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 0, bytes: 0 });
        expect(await storage().size(id)).to.equal(null);
      });

      it('refuses an empty file before any transfer', async () => {
        const u = await creator();
        const refused = await create(u, 0);
        expect(refused.status).to.equal(400);
        expect(refused.text).to.match(/empty/);
        expect(await videos()).to.have.length(0);
      });

      it('refuses a file over the storage left, naming what is left, before any byte is sent', async () => {
        const u = await creator('free');
        expect((await create(u, GB / 4)).status).to.equal(201);
        const refused = await create(u, GB);
        expect(refused.status).to.equal(403);
        expect(refused.text).to.equal(
          "This file does not fit: 768 MB of your Free plan's 1 GB storage is left. Upgrade your plan for more.",
        );
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 1, bytes: GB / 4 });
        expect((await create(u, (3 * GB) / 4)).status, 'exactly what is left fits').to.equal(201);
      });

      it('refuses the upload after the last video slot', async () => {
        const u = await creator('free');
        for (let i = 0; i < 5; i += 1) expect((await create(u, 1000)).status).to.equal(201);
        const refused = await create(u, 1000);
        expect(refused.status).to.equal(403);
        expect(refused.text).to.match(/holds 5 videos and you have no slot left/);
        expect(await videos()).to.have.length(5);
      });

      it('never reserves past the limits when uploads are created at the same moment', async () => {
        const u = await creator('free');
        const sizes = Array.from({ length: 12 }, () => 300 * 1024 ** 2);
        const results = await Promise.all(sizes.map((size) => create(u, size)));
        expect(results.filter((r) => r.status === 201)).to.have.length(3);
        expect(results.filter((r) => r.status === 403)).to.have.length(9);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 3, bytes: 3 * 300 * 1024 ** 2 });
        const slots = await Promise.all(Array.from({ length: 8 }, () => create(u, 1)));
        expect(slots.filter((r) => r.status === 201)).to.have.length(2);
      });

      it('refuses a file over the per-file cap with the cap in words', async () => {
        const u = await creator('enterprise');
        const refused = await create(u, 50 * GB + 1);
        expect(refused.status).to.equal(413);
        expect(refused.text).to.match(/at most 50 GB/);
        expect(await videos()).to.have.length(0);
      });
    });

    describe('who may upload', () => {
      it('answers a signed-out request 401 and a student 403, with nothing reserved', async () => {
        const stranger = await t.signIn('user_student1');
        const csrf = JSON.parse((await stranger.get(`${t.appUrl}/api/me`)).text).csrfToken as string;
        const asStudent = await tus({ browser: stranger, csrf, creatorId: 0 }, '/api/uploads', 'POST', {
          'upload-length': '100',
        });
        expect(asStudent.status).to.equal(403);
        const signedOut = await fetch(`${t.appUrl}/api/uploads`, {
          method: 'POST',
          headers: { 'tus-resumable': '1.0.0', 'upload-length': '100' },
        });
        expect(signedOut.status).to.equal(401);
        expect(await videos()).to.have.length(0);
      });

      it('requires the CSRF header on every request, HEAD included', async () => {
        const u = await creator();
        const created = await create(u, WEBM.length);
        const withoutToken = { ...u, csrf: 'wrong' };
        expect((await create(withoutToken, 100)).status).to.equal(403);
        expect((await tus(withoutToken, locationOf(created), 'HEAD')).status).to.equal(403);
        expect((await patch(withoutToken, locationOf(created), 0, WEBM)).status).to.equal(403);
        expect(await videos()).to.have.length(1);
      });

      it("refuses another creator's upload id (404) and leaves its bytes alone", async () => {
        const owner = await creator('free');
        const created = await create(owner, WEBM.length);
        await patch(owner, locationOf(created), 0, WEBM.subarray(0, 100));
        const other = await creator('pro', 'user_creator_pro', 'biz_creator2');
        expect((await patch(other, locationOf(created), 100, WEBM.subarray(100))).status).to.equal(404);
        expect((await tus(other, locationOf(created), 'HEAD')).status).to.equal(404);
        expect((await tus(other, locationOf(created), 'DELETE')).status).to.equal(404);
        expect((await tus(owner, locationOf(created), 'HEAD')).headers.get('upload-offset')).to.equal('100');
      });

      it('answers a HEAD for a finished upload as complete, to its creator only, so a lost last answer is not a second video', async () => {
        const u = await creator();
        const { location, last } = await upload(u, WEBM, 'Lesson.webm');
        expect(last.status).to.equal(204);
        // The client's retry after its last PATCH lost its answer: HEAD, then nothing left to send.
        const head = await tus(u, location, 'HEAD');
        expect(head.status).to.equal(200);
        expect(head.headers.get('tus-resumable')).to.equal('1.0.0');
        expect(head.headers.get('upload-offset')).to.equal(String(WEBM.length));
        expect(head.headers.get('upload-length')).to.equal(String(WEBM.length));
        expect(head.headers.get('cache-control')).to.equal('no-store');
        expect(head.headers.get('upload-metadata')).to.contain(
          `filename ${Buffer.from('Lesson.webm').toString('base64')}`,
        );
        const withoutVersion = await u.browser.request(`${t.appUrl}${location}`, {
          method: 'HEAD',
          headers: { 'x-csrf-token': u.csrf },
        });
        expect(withoutVersion.status, 'no Tus-Resumable: tus refuses').to.equal(412);
        // Finished means no more bytes and no termination: tus still refuses both.
        expect((await patch(u, location, WEBM.length, WEBM.subarray(0, 1))).status).to.equal(404);
        expect((await tus(u, location, 'DELETE')).status).to.equal(404);
        const other = await creator('pro', 'user_creator_pro', 'biz_creator2');
        expect((await tus(other, location, 'HEAD')).status, "another creator's").to.equal(404);
        expect((await tus(u, '/api/uploads/NoSuchUploadIdNoSuchUploadId0000', 'HEAD')).status).to.equal(404);
        expect(await videos()).to.have.length(1);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 1, bytes: WEBM.length });
      });

      it("offers for resuming only the creator's own unfinished uploads (the library page's uploader data)", async () => {
        const owner = await creator('free');
        const other = await creator('pro', 'user_creator_pro', 'biz_creator2');
        const open = locationOf(await create(owner, WEBM.length))
          .split('/')
          .pop()!;
        const finished = (await upload(owner, WEBM, 'Done.webm')).id;
        const others = locationOf(await create(other, WEBM.length))
          .split('/')
          .pop()!;
        const unfinishedOf = async (u: Uploader) =>
          /data-unfinished-uploads="([^"]*)"/.exec((await u.browser.get(`${t.appUrl}/dashboard/videos`)).text)?.[1];
        expect(await unfinishedOf(owner)).to.equal(open);
        expect(await unfinishedOf(other)).to.equal(others);
        expect([open, others]).to.not.include(finished);
      });

      it('says nothing of a HEAD for an upload refused at its end (not a video): 404, as for any upload gone', async () => {
        const u = await creator();
        const notVideo = new Uint8Array(4096).fill(0x41);
        const { location, last } = await upload(u, notVideo, 'notes.webm');
        expect(last.status).to.equal(415);
        expect((await tus(u, location, 'HEAD')).status).to.equal(404);
      });

      it('refuses ids that try to leave the media folder', async () => {
        const u = await creator();
        for (const path of ['/api/uploads/..%2F..%2Fetc%2Fpasswd', '/api/uploads/%2e%2e'])
          expect((await tus(u, path, 'HEAD')).status, path).to.be.oneOf([400, 404]);
      });
    });

    describe('releasing a reservation', () => {
      it('gives the slot and bytes back when the creator aborts, and removes the partial bytes', async () => {
        const u = await creator();
        const created = await create(u, WEBM.length);
        await patch(u, locationOf(created), 0, WEBM.subarray(0, 1000));
        const id = locationOf(created).split('/').pop()!;
        expect((await tus(u, locationOf(created), 'DELETE')).status).to.equal(204);
        expect(await videos()).to.have.length(0);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 0, bytes: 0 });
        expect(await storage().size(id)).to.equal(null);
      });

      it('deletes an uploaded video from the library: the object is gone from storage and its slot and bytes are free', async () => {
        const u = await creator();
        const { id } = await upload(u, WEBM, 'goodbye.webm');
        const [video] = await videos();
        expect(await storage().size(id)).to.equal(WEBM.length);
        const confirm = await u.browser.get(`${t.appUrl}/dashboard/videos/${video!.id as number}/delete`);
        const deleted = await u.browser.post(`${t.appUrl}/dashboard/videos/${video!.id as number}/delete`, {
          _csrf: formField(confirm.text, '_csrf')!,
        });
        expect(deleted.status).to.equal(303);
        expect(await videos()).to.have.length(0);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 0, bytes: 0 });
        expect(await storage().size(id)).to.equal(null);
      });

      it('does not let a finished upload be deleted through tus (the library deletes videos)', async () => {
        const u = await creator();
        const { location } = await upload(u, WEBM, 'a.webm');
        expect((await tus(u, location, 'DELETE')).status).to.equal(404);
        expect((await videos())[0]).to.include({ status: 'ready' });
      });

      it('releases uploads left unfinished past the expiry, and only those', async () => {
        const u = await creator();
        const stale = await create(u, WEBM.length);
        await patch(u, locationOf(stale), 0, WEBM.subarray(0, 500));
        clock.advance(23 * 3_600_000);
        const fresh = await create(u, WEBM.length);
        await upload(u, WEBM, 'done.webm');
        clock.advance(2 * 3_600_000);
        expect(await t.runtime.deps.services.uploads.expire()).to.equal(1);
        const left = await videos();
        expect(left.map((v) => v.upload_id)).to.deep.equal([locationOf(fresh).split('/').pop(), left[1]!.upload_id]);
        expect(left[1]).to.include({ status: 'ready' });
        expect(await storage().size(locationOf(stale).split('/').pop()!)).to.equal(null);
        expect(await counters(u.creatorId)).to.deep.equal({ videos: 2, bytes: 2 * WEBM.length });
      });
    });
  });
