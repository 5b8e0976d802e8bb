/**
 * The course builder and the student course page over real HTTP, with a real database and the
 * sandbox: the tier boundary (Free: locked with the upgrade link; Basic: builds; downgraded:
 * read-only while students keep reading), bad input (titles, stale tabs, unknown products)
 * refused with a sentence and no change, the per-course product choice, and a lesson whose
 * video was deleted.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChronosWithSandbox, type ChronosWithSandbox } from '../support/chronos-with-sandbox.ts';
import { formField, type TestBrowser } from '../support/test-browser.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { insertVideo } from '../support/videos.ts';
import type { Tier } from '../../src/domain/tier-table.ts';
import { holdMembership } from '../support/student-memberships.ts';

interface Creatorship {
  browser: TestBrowser;
  creatorId: number;
}

describe('the course builder (/dashboard/courses) and the student course page', () => {
  let t: ChronosWithSandbox;

  before(async () => {
    t = await startChronosWithSandbox();
  });
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));
  after(() => t.close());

  async function creatorOn(tier: Tier): Promise<Creatorship> {
    const { User, Creator } = t.runtime.deps.models;
    const browser = await t.signIn('user_creator_free');
    const user = (await User.findOne({ where: { whopUserId: 'user_creator_free' } }))!;
    const creator = await Creator.create({
      whopCompanyId: 'biz_creator1',
      companyName: 'Creator One',
      ownerUserId: user.id,
      tier,
      tierSourceMembershipId: null,
      tierUpdatedAt: new Date(),
      gracePeriodEndsAt: null,
    });
    return { browser, creatorId: creator.id };
  }

  async function studentOf(creatorId: number, productId = 'prod_course1'): Promise<TestBrowser> {
    const student = await t.runtime.deps.models.Student.create({
      creatorId,
      whopUserId: 'user_student1',
      whopMembershipId: 'mem_s1',
      whopProductId: productId,
      status: 'active',
      membershipStatus: 'active',
      membershipUpdatedAt: new Date(),
    });
    await holdMembership(t.runtime.deps.sequelize, { studentId: student.id, membershipId: 'mem_s1', productId });
    return t.signIn('user_student1');
  }

  const page = (c: Creatorship, path: string) => c.browser.get(`${t.appUrl}${path}`);
  async function post(c: Creatorship, path: string, form: Record<string, string> = {}, from = '/dashboard/courses') {
    const html = (await page(c, from)).text;
    return c.browser.post(`${t.appUrl}${path}`, { _csrf: formField(html, '_csrf')!, ...form });
  }
  const count = async (table: string) =>
    (
      await t.runtime.deps.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, {
        type: QueryTypes.SELECT,
      })
    )[0]!.n;
  const version = async (courseId: number) =>
    String(
      (
        await t.runtime.deps.sequelize.query<{ version: number }>('SELECT version FROM courses WHERE id = :courseId', {
          replacements: { courseId },
          type: QueryTypes.SELECT,
        })
      )[0]!.version,
    );

  /** A published course "Start" with module "Basics" and lesson "Lesson one" on `videoId`; returns ids. */
  async function publishedCourse(c: Creatorship, videoId: number) {
    const created = await post(c, '/dashboard/courses', { title: 'Start' });
    expect(created.status).to.equal(303);
    const courseId = Number(/\/dashboard\/courses\/(\d+)$/.exec(created.location!)![1]);
    const base = `/dashboard/courses/${courseId}`;
    expect((await post(c, `${base}/modules`, { title: 'Basics', version: await version(courseId) })).status).to.equal(
      303,
    );
    const [mod] = await t.runtime.deps.sequelize.query<{ id: number }>('SELECT id FROM course_modules', {
      type: QueryTypes.SELECT,
    });
    const lesson = await post(c, `${base}/modules/${mod!.id}/lessons`, {
      title: 'Lesson one',
      videoId: String(videoId),
      body: 'Read this first.',
      version: await version(courseId),
    });
    expect(lesson.status, lesson.text.slice(0, 300)).to.equal(303);
    expect(
      (await post(c, `${base}/status`, { status: 'published', version: await version(courseId) })).status,
    ).to.equal(303);
    return { courseId, base, moduleId: mod!.id };
  }

  it('Free: the builder page says what it is, locked, with the Basic upgrade link; creating is refused', async () => {
    const c = await creatorOn('free');
    const locked = await page(c, '/dashboard/courses');
    expect(locked.status).to.equal(403);
    expect(locked.text).to.contain('Course builder').and.to.contain('Arrange videos into modules and lessons.');
    expect(locked.text).to.contain(`href="${t.config.appUrl}/pricing#plan-basic">Upgrade to Basic`);
    const refused = await post(c, '/dashboard/courses', { title: 'Sneaky' });
    expect(refused.status).to.equal(403);
    expect(await count('courses')).to.equal(0);
    // Below Basic the student page stays the flat video list.
    await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Flat video' });
    const flat = await page(c, '/courses/biz_creator1');
    expect(flat.text).to.contain('Flat video').and.not.to.contain('Continue where you left off');
  });

  it('Basic: refuses bad titles with a sentence and changes nothing', async () => {
    const c = await creatorOn('basic');
    for (const [title, said] of [
      ['', 'Enter a course title.'],
      ['x'.repeat(121), 'at most 120 characters'],
      ['Bell\u0007', 'must not contain control characters'],
    ]) {
      const answer = await post(c, '/dashboard/courses', { title: title! });
      expect(answer.status).to.equal(400);
      expect(answer.text).to.contain(said);
    }
    expect(await count('courses')).to.equal(0);
  });

  it('a form from a stale tab is refused with a conflict message and the order is unchanged', async () => {
    const c = await creatorOn('basic');
    const videoId = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'V' });
    const { courseId, base, moduleId } = await publishedCourse(c, videoId);
    const stale = await version(courseId);
    await post(c, `${base}/modules/${moduleId}/lessons`, {
      title: 'Lesson two',
      videoId: String(videoId),
      version: stale,
    });
    const [two] = await t.runtime.deps.sequelize.query<{ id: number }>(
      `SELECT id FROM course_lessons WHERE title = 'Lesson two'`,
      { type: QueryTypes.SELECT },
    );
    const answer = await post(c, `${base}/lessons/${two!.id}/move`, { direction: 'up', version: stale });
    expect(answer.status).to.equal(409);
    expect(answer.text).to.contain('changed in another tab');
    const order = await t.runtime.deps.sequelize.query<{ title: string }>(
      'SELECT title FROM course_lessons ORDER BY position',
      { type: QueryTypes.SELECT },
    );
    expect(order.map((r) => r.title)).to.deep.equal(['Lesson one', 'Lesson two']);
  });

  it('students see published courses only, with lesson progress, and the course’s product choice decides who', async () => {
    const c = await creatorOn('basic');
    const videoId = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'V', durationSeconds: 100 });
    const student = await studentOf(c.creatorId);
    const created = await post(c, '/dashboard/courses', { title: 'Draft only' });
    expect(created.status).to.equal(303);
    expect((await student.get(`${t.appUrl}/courses/biz_creator1`)).text).not.to.contain('Draft only');

    const { courseId, base } = await publishedCourse(c, videoId);
    const seen = await student.get(`${t.appUrl}/courses/biz_creator1`);
    expect(seen.text).to.contain('Start').and.to.contain('Lesson one').and.to.contain('Not started');
    expect(seen.text).not.to.contain('Draft only');

    const unknown = await post(
      c,
      `${base}/products`,
      { access: 'selected', productIds: 'prod_nobody', version: await version(courseId) },
      base,
    );
    expect(unknown.status).to.equal(400);
    expect(unknown.text).to.contain('Choose products of your company only.');
    expect(await count('course_products')).to.equal(0);

    // Only holders of prod_course1 (Whop lists it for biz_creator1): student1 still sees it; another product does not.
    const only = await post(
      c,
      `${base}/products`,
      { access: 'selected', productIds: 'prod_course1', version: await version(courseId) },
      base,
    );
    expect(only.status, only.text.slice(0, 300)).to.equal(303);
    expect((await student.get(`${t.appUrl}/courses/biz_creator1`)).text).to.contain('Lesson one');
    const { id: studentId } = (await t.runtime.deps.models.Student.findOne({
      where: { whopUserId: 'user_student1' },
    }))!;
    await holdMembership(t.runtime.deps.sequelize, { studentId, membershipId: 'mem_s1', productId: 'prod_other' });
    const hidden = await student.get(`${t.appUrl}/courses/biz_creator1`);
    expect(hidden.text).not.to.contain('Lesson one');
    expect(hidden.text).to.contain('None of the courses here is open to your membership yet.');
  });

  it('a lesson whose video was deleted says "Video removed", not a 500', async () => {
    const c = await creatorOn('basic');
    const videoId = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'Gone soon' });
    const student = await studentOf(c.creatorId);
    await publishedCourse(c, videoId);
    await t.runtime.deps.sequelize.query('DELETE FROM videos WHERE id = :videoId', { replacements: { videoId } });
    const course = await student.get(`${t.appUrl}/courses/biz_creator1`);
    expect(course.status).to.equal(200);
    expect(course.text).to.contain('Video removed');
    const [lesson] = await t.runtime.deps.sequelize.query<{ id: number }>('SELECT id FROM course_lessons', {
      type: QueryTypes.SELECT,
    });
    const lessonPage = await student.get(`${t.appUrl}/courses/biz_creator1/lessons/${lesson!.id}`);
    expect(lessonPage.status).to.equal(200);
    expect(lessonPage.text).to.contain('Video removed').and.to.contain('Read this first.');
    expect((await page(c, '/dashboard/courses/' + (await count('courses')))).text).to.contain('Video removed');
  });

  it('after a downgrade the courses stay readable and read-only: every change is refused, students keep reading', async () => {
    const c = await creatorOn('basic');
    const videoId = await insertVideo(t.runtime.deps.sequelize, c.creatorId, { title: 'V' });
    const student = await studentOf(c.creatorId);
    const { courseId, base } = await publishedCourse(c, videoId);
    await t.runtime.deps.models.Creator.update({ tier: 'free' }, { where: { id: c.creatorId } });

    const list = await page(c, '/dashboard/courses');
    expect(list.status).to.equal(200);
    expect(list.text).to.contain('Start').and.to.contain('Upgrade to Basic').and.not.to.contain('Create course');
    const editor = await page(c, base);
    expect(editor.status).to.equal(200);
    expect(editor.text).to.contain('Editing needs the Basic plan').and.not.to.contain('>Unpublish<');
    const refused = await post(c, `${base}/status`, { status: 'draft', version: await version(courseId) });
    expect(refused.status).to.equal(403);
    expect((await student.get(`${t.appUrl}/courses/biz_creator1`)).text).to.contain('Lesson one');
  });
});
