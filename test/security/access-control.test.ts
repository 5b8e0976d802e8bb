/**
 * Access control and IDOR: a creator sees and changes only their own company's students, videos,
 * usage and events, whatever ids a query or body names; students and members never reach creator
 * routes; only admins reach /admin (GET and POST); strangers are sent to sign in. Each "cannot
 * see" is paired with a positive control (the owner does see it), so an empty page proves nothing.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import {
  appRequest,
  eventStatus,
  insertDeadEvent,
  startSecurityCast,
  stateSnapshot,
  type Role,
  type SecurityCast,
} from './support/security-fixture.ts';
import { until } from '../support/wait.ts';
import { insertVideo } from '../support/videos.ts';

const A_VIDEO = 'A-only-video-7f3a';
const B_VIDEO = 'B-only-video-91c2';
const B_PUPIL = 'idorpupil';
const B_EVENT = 'evt_idor_creator2_dead';

describe('access control between creators, students, members, admins and strangers', function () {
  this.timeout(90_000);
  let cast: SecurityCast;
  let creatorIds: { a: number; b: number };
  let videoIds: { a: number; b: number };
  const db = () => cast.t.runtime.deps.sequelize;
  const snapshot = () => stateSnapshot(db());
  const videoCount = async (creatorId: number) =>
    Number(
      (
        await db().query<{ n: string }>('SELECT count(*) AS n FROM videos WHERE creator_id = :creatorId', {
          replacements: { creatorId },
          type: QueryTypes.SELECT,
        })
      )[0]!.n,
    );
  const creditsOf = async (creatorId: number) =>
    Number(
      (
        await db().query<{ n: string }>(
          'SELECT coalesce(sum(ai_credits_used), 0) AS n FROM usage_metrics WHERE creator_id = :creatorId',
          { replacements: { creatorId }, type: QueryTypes.SELECT },
        )
      )[0]!.n,
    );

  before(async () => {
    cast = await startSecurityCast({ env: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
    const { t } = cast;
    const { Creator } = t.runtime.deps.models;
    creatorIds = {
      a: (await Creator.findOne({ where: { whopCompanyId: 'biz_creator1' } }))!.id,
      b: (await Creator.findOne({ where: { whopCompanyId: 'biz_creator2' } }))!.id,
    };
    // Creator B gets a student of their own through a real sandbox webhook, and each creator a video.
    const pupil = await t.control.createUser(B_PUPIL);
    await t.control.createMembership(pupil, 'prod_course2');
    // The snapshot lists the stored events as text: '' until the delivery has been stored.
    await until(async () => (await snapshot()).webhook_events !== '', {
      what: 'the sandbox delivering the membership',
      intervalMs: 100,
    });
    await t.drain();
    expect(
      await t.runtime.deps.models.Student.count({ where: { creatorId: creatorIds.b, whopUserId: pupil } }),
    ).to.equal(1);
    videoIds = {
      a: await insertVideo(db(), creatorIds.a, { title: A_VIDEO }),
      b: await insertVideo(db(), creatorIds.b, { title: B_VIDEO }),
    };
    await insertDeadEvent(db(), B_EVENT, 'biz_creator2');
  });
  after(() => cast?.t.close());

  it('shows a creator only their own students, videos and usage, whatever ids or pages the query names', async () => {
    const { t, actors } = cast;
    const tricks = [
      '',
      '?page=2',
      '?page=0',
      '?page=-1',
      '?page=99999',
      '?page=1&page=2',
      `?creatorId=${creatorIds.b}`,
      `?creator_id=${creatorIds.b}`,
      '?companyId=biz_creator2',
      '?whopCompanyId=biz_creator2',
      `?creatorId[]=${creatorIds.b}`,
      '?user=user_creator_pro',
      `?id=${creatorIds.b}`,
      '?company=biz_creator2&page=1',
    ];
    const problems: string[] = [];
    expect((await appRequest(t, actors.creator, 'GET', '/dashboard/videos')).text).to.contain(A_VIDEO);
    const own = await appRequest(t, actors.creator, 'GET', '/dashboard');
    expect(own.text, 'positive control: A sees their own video and students')
      .to.contain(A_VIDEO)
      .and.to.contain('@student1');
    expect((await appRequest(t, actors.creatorPro, 'GET', '/dashboard')).text, 'positive control: B sees their own')
      .to.contain(B_VIDEO)
      .and.to.contain(B_PUPIL);
    for (const query of tricks) {
      for (const path of ['/dashboard', '/dashboard/videos', '/api/me', '/analytics']) {
        const asA = await appRequest(t, actors.creator, 'GET', `${path}${query}`);
        if (
          asA.status >= 500 ||
          asA.text.includes(B_VIDEO) ||
          asA.text.includes(B_PUPIL) ||
          asA.text.includes('biz_creator2')
        )
          problems.push(`A GET ${path}${query} → ${asA.status} shows creator B's data`);
        const asB = await appRequest(
          t,
          actors.creatorPro,
          'GET',
          `${path}${query.replace('creator2', 'creator1').replace(String(creatorIds.b), String(creatorIds.a))}`,
        );
        if (
          asB.status >= 500 ||
          asB.text.includes(A_VIDEO) ||
          asB.text.includes('@student1') ||
          asB.text.includes('biz_creator1')
        )
          problems.push(`B GET ${path}${query} → ${asB.status} shows creator A's data`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    const me = JSON.parse(
      (await appRequest(t, actors.creator, 'GET', `/api/me?companyId=biz_creator2&creatorId=${creatorIds.b}`)).text,
    ) as { creator: { companyId: string } };
    expect(me.creator.companyId).to.equal('biz_creator1');
  });

  it('writes a creator’s video changes and credits to their own company, whatever creator or company ids the body carries', async () => {
    const { t, actors } = cast;
    const before = {
      aVideos: await videoCount(creatorIds.a),
      bVideos: await videoCount(creatorIds.b),
      aCredits: await creditsOf(creatorIds.a),
      bCredits: await creditsOf(creatorIds.b),
    };
    const foreign = {
      creatorId: creatorIds.b,
      creator_id: creatorIds.b,
      whopCompanyId: 'biz_creator2',
      companyId: 'biz_creator2',
      creator: { id: creatorIds.b },
    };
    const rename = await appRequest(t, actors.creator, 'POST', `/dashboard/videos/${videoIds.a}/title`, {
      contentType: 'application/json',
      body: JSON.stringify({ ...foreign, videoId: videoIds.b, id: videoIds.b, title: `${A_VIDEO} renamed` }),
    });
    expect(rename.status).to.equal(303);
    const credits = await appRequest(t, actors.creator, 'POST', '/api/ai/credits', {
      contentType: 'application/json',
      body: JSON.stringify({ ...foreign, amount: 3 }),
    });
    expect(credits.status).to.equal(200);
    // Creator B's video, named by its id in the path, is not A's to see or change.
    for (const [method, path, body] of [
      ['GET', `/dashboard/videos/${videoIds.b}/delete`, undefined],
      ['POST', `/dashboard/videos/${videoIds.b}/title`, 'title=taken'],
      ['POST', `/dashboard/videos/${videoIds.b}/title`, 'title='],
      ['POST', `/dashboard/videos/${videoIds.b}/move`, 'direction=up'],
      ['POST', `/dashboard/videos/${videoIds.b}/delete`, ''],
    ] as const) {
      const answer = await appRequest(t, actors.creator, method, path, {
        contentType: body === undefined ? undefined : 'application/x-www-form-urlencoded',
        body,
      });
      expect(answer.status, `A ${method} ${path}`).to.equal(404);
      expect(answer.text).not.to.contain(B_VIDEO);
    }
    const titles = await db().query<{ title: string }>('SELECT title FROM videos WHERE id IN (:ids) ORDER BY id', {
      replacements: { ids: [videoIds.a, videoIds.b] },
      type: QueryTypes.SELECT,
    });
    expect(titles.map((row) => row.title)).to.deep.equal([`${A_VIDEO} renamed`, B_VIDEO]);
    expect({
      aVideos: await videoCount(creatorIds.a),
      bVideos: await videoCount(creatorIds.b),
      aCredits: await creditsOf(creatorIds.a),
      bCredits: await creditsOf(creatorIds.b),
    }).to.deep.equal({ ...before, aCredits: before.aCredits + 3 });
    await db().query('UPDATE videos SET title = :title WHERE id = :id', {
      replacements: { title: A_VIDEO, id: videoIds.a },
    });
  });

  it('refuses to let anyone take over an onboarded company through /onboarding', async () => {
    const { t, actors } = cast;
    const before = await snapshot();
    // 409: the user runs a company already; 403: Whop does not list the company among the user's (or it is Chronos's own).
    for (const [role, company, status] of [
      ['creator', 'biz_creator2', 409],
      ['member', 'biz_creator2', 403],
      ['student', 'biz_creator1', 403],
      ['member', 'biz_chronos', 403],
    ] as const) {
      const answer = await appRequest(t, actors[role], 'POST', '/onboarding', {
        contentType: 'application/x-www-form-urlencoded',
        body: `companyId=${company}`,
      });
      expect(answer.status, `${role} onboarding ${company}`).to.equal(status);
    }
    expect(await snapshot()).to.deep.equal(before);
  });

  it('keeps students and members off every creator route (403) and stores nothing', async () => {
    const { t, actors } = cast;
    const before = await snapshot();
    const problems: string[] = [];
    for (const role of ['student', 'member', 'admin'] as const) {
      const calls: [string, string, string?, string?][] = [
        ['GET', '/analytics'],
        ['GET', '/dashboard/videos'],
        ['GET', `/dashboard/videos/${videoIds.a}/delete`],
        ['POST', `/dashboard/videos/${videoIds.a}/title`, 'application/x-www-form-urlencoded', 'title=x'],
        ['POST', `/dashboard/videos/${videoIds.a}/move`, 'application/x-www-form-urlencoded', 'direction=down'],
        ['POST', `/dashboard/videos/${videoIds.a}/delete`, 'application/x-www-form-urlencoded', ''],
        ['POST', '/api/ai/credits', 'application/json', '{"amount":1}'],
      ];
      for (const [method, path, contentType, body] of calls) {
        const answer = await appRequest(t, actors[role], method, path, { contentType, body });
        if (answer.status !== 403) problems.push(`${role} ${method} ${path} → ${answer.status}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('answers 403 to every non-admin on every /admin route, GET and POST, even with their CSRF token, and replays nothing', async () => {
    const { t, actors } = cast;
    const before = await snapshot();
    const guarded: [string, string][] = [
      ['GET', '/admin/tiers'],
      ['GET', '/admin/tiers?sort=videos&page=2'],
      ['GET', '/admin/webhooks'],
      ['GET', '/admin'],
      ['GET', '/admin/'],
      ['GET', '/admin/anything'],
      ['GET', '/ADMIN/tiers'],
      ['GET', '/admin/tiers/'],
      ['GET', '/Admin/Webhooks'],
      ['POST', `/admin/webhooks/${B_EVENT}/replay`],
      ['POST', '/admin/webhooks/evt_none/replay'],
      ['POST', '/admin/reconciliation'],
      ['POST', '/admin/tiers'],
    ];
    const problems: string[] = [];
    for (const role of ['creator', 'creatorPro', 'student', 'member'] as Role[]) {
      for (const [method, path] of guarded) {
        const answer = await appRequest(
          t,
          actors[role],
          method,
          path,
          method === 'POST' ? { contentType: 'application/x-www-form-urlencoded', body: '' } : {},
        );
        if (answer.status !== 403) problems.push(`${role} ${method} ${path} → ${answer.status}`);
      }
      for (const path of ['/%61dmin/tiers', '/admin%2ftiers', '//admin/tiers', '/./admin/tiers']) {
        const answer = await appRequest(t, actors[role], 'GET', path);
        if (answer.status === 200 || answer.status >= 500 || answer.text.includes('Tier overview'))
          problems.push(`${role} GET ${path} → ${answer.status}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
    expect(await eventStatus(db(), B_EVENT)).to.equal('dead');
    // Positive control: the admin does reach both pages and sees every company.
    const tiers = await appRequest(t, actors.admin, 'GET', '/admin/tiers');
    expect(tiers.status).to.equal(200);
    expect(tiers.text).to.contain('biz_creator2');
    expect((await appRequest(t, actors.admin, 'GET', '/admin/webhooks')).text).to.contain(B_EVENT);
  });

  it('sends strangers to sign in (302 /login for pages, 401 JSON for the API) on every protected route, and changes nothing', async () => {
    const { t, actors } = cast;
    const before = await snapshot();
    const routes: [string, string][] = [
      ['GET', '/dashboard'],
      ['GET', '/analytics'],
      ['GET', '/admin/tiers'],
      ['GET', '/admin/webhooks'],
      ['POST', '/onboarding'],
      ['GET', '/dashboard/videos'],
      ['GET', '/dashboard/videos/1/delete'],
      ['POST', '/dashboard/videos/1/title'],
      ['POST', '/dashboard/videos/1/move'],
      ['POST', '/dashboard/videos/1/delete'],
      ['POST', `/admin/webhooks/${B_EVENT}/replay`],
      ['POST', '/admin/reconciliation'],
      ['GET', '/api/me'],
      ['GET', '/api/me/whop'],
      ['POST', '/api/ai/credits'],
    ];
    const problems: string[] = [];
    for (const [method, path] of routes) {
      const answer = await appRequest(
        t,
        actors.stranger,
        method,
        path,
        method === 'POST'
          ? {
              contentType: 'application/json',
              body: '{"title":"x","sizeBytes":1,"durationSeconds":1,"amount":1,"companyId":"biz_creator1"}',
            }
          : {},
      );
      const json = path.startsWith('/api/');
      const ok = json
        ? answer.status === 401 && answer.text.includes('"error":"unauthenticated"')
        : answer.status === 302 && (answer.location ?? '').startsWith('/login');
      if (!ok) problems.push(`stranger ${method} ${path} → ${answer.status} ${answer.location ?? ''}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(await snapshot()).to.deep.equal(before);
  });
});
