/**
 * The course builder at database level: modules and lessons keep positions 1..n through every
 * move, a change from a stale tab (an old version) is refused and changes nothing, the database
 * refuses duplicate positions and bad titles itself, a deleted video leaves its lesson with
 * "no video", and the catalog lists courses as ordered trees.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type TestApp } from '../../support/test-runtime.ts';
import { cleanTables } from '../../support/table-cleaner.ts';
import { makeFactories } from '../../support/factories.ts';
import { insertVideo } from '../../support/videos.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/domain/app-errors.ts';
import { createCourseEditor, type CourseEditor, type CourseRef } from '../../../src/services/courses/course-editor.ts';
import { createCourseCatalog, type CourseCatalog } from '../../../src/services/courses/course-catalog.ts';

/** Awaits `promise`, which must fail with `type` (if given) and a message matching `pattern`. */
async function expectRefusal(
  promise: Promise<unknown>,
  type: RegExp | (new (...args: never[]) => Error),
  pattern?: RegExp,
) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, 'refused').to.be.instanceOf(Error);
  // A database refusal's own words (constraint names) are in the driver's error.
  const said = `${error!.message} ${(error as { original?: Error }).original?.message ?? ''}`;
  if (type instanceof RegExp) expect(said).to.match(type);
  else expect(error).to.be.instanceOf(type);
  if (pattern) expect(said).to.match(pattern);
}

describe('course editor and catalog (database level)', () => {
  let t: TestApp;
  let editor: CourseEditor;
  let catalog: CourseCatalog;
  let creatorId: number;
  let videoId: number;

  before(async () => {
    t = await startTestApp();
    editor = createCourseEditor({ sequelize: t.runtime.deps.sequelize });
    catalog = createCourseCatalog({ sequelize: t.runtime.deps.sequelize });
  });
  after(() => t.close());
  beforeEach(async () => {
    await cleanTables(t.runtime.deps.sequelize);
    creatorId = (await makeFactories(t.runtime.deps.models).creator({ tier: 'basic' })).id;
    videoId = await insertVideo(t.runtime.deps.sequelize, creatorId, { title: 'Intro video' });
  });

  /** The current reference (latest version) of a course. */
  async function ref(courseId: number): Promise<CourseRef> {
    const course = await catalog.find(creatorId, courseId);
    return { creatorId, courseId, version: course!.version };
  }

  async function courseWith(modules: Record<string, string[]>): Promise<number> {
    const courseId = await editor.create(creatorId, 'Course');
    for (const [title, lessons] of Object.entries(modules)) {
      const moduleId = await editor.addModule(await ref(courseId), title);
      for (const lesson of lessons)
        await editor.addLesson(await ref(courseId), moduleId, { title: lesson, body: '', videoId });
    }
    return courseId;
  }

  async function shape(courseId: number) {
    const course = await catalog.find(creatorId, courseId);
    return course!.modules.map((m) => [m.title, m.position, m.lessons.map((l) => `${l.position}:${l.title}`)]);
  }

  const lessonId = async (courseId: number, title: string) =>
    (await catalog.find(creatorId, courseId))!.modules.flatMap((m) => m.lessons).find((l) => l.title === title)!.id;
  const moduleId = async (courseId: number, title: string) =>
    (await catalog.find(creatorId, courseId))!.modules.find((m) => m.title === title)!.id;

  it('moves modules and lessons up and down, keeping positions 1..n, and says when one is at the edge', async () => {
    const courseId = await courseWith({ A: ['a1', 'a2', 'a3'], B: [] });
    expect(await editor.moveLesson(await ref(courseId), await lessonId(courseId, 'a3'), 'up')).to.equal('moved');
    expect(await editor.moveLesson(await ref(courseId), await lessonId(courseId, 'a1'), 'up')).to.equal('edge');
    expect(await editor.moveLesson(await ref(courseId), await lessonId(courseId, 'a2'), 'down')).to.equal('edge');
    expect(await editor.moveModule(await ref(courseId), await moduleId(courseId, 'B'), 'up')).to.equal('moved');
    expect(await editor.moveModule(await ref(courseId), await moduleId(courseId, 'B'), 'up')).to.equal('edge');
    expect(await shape(courseId)).to.deep.equal([
      ['B', 1, []],
      ['A', 2, ['1:a1', '2:a3', '3:a2']],
    ]);
  });

  it('moves a lesson to the end of another module and closes the gap it leaves', async () => {
    const courseId = await courseWith({ A: ['a1', 'a2', 'a3'], B: ['b1'] });
    const outcome = await editor.moveLessonTo(
      await ref(courseId),
      await lessonId(courseId, 'a1'),
      await moduleId(courseId, 'B'),
    );
    expect(outcome).to.equal('moved');
    expect(await shape(courseId)).to.deep.equal([
      ['A', 1, ['1:a2', '2:a3']],
      ['B', 2, ['1:b1', '2:a1']],
    ]);
    await editor.removeLesson(await ref(courseId), await lessonId(courseId, 'a2'));
    await editor.removeModule(await ref(courseId), await moduleId(courseId, 'A'));
    expect(await shape(courseId)).to.deep.equal([['B', 1, ['1:b1', '2:a1']]]);
  });

  it('refuses a change sent from a stale tab with a conflict and changes nothing', async () => {
    const courseId = await courseWith({ A: ['a1', 'a2'] });
    const stale = await ref(courseId);
    // The other tab moves a2 up: the version the first tab shows is now old.
    await editor.moveLesson(stale, await lessonId(courseId, 'a2'), 'up');
    const before = await shape(courseId);
    for (const attempt of [
      async () => editor.moveLesson(stale, await lessonId(courseId, 'a1'), 'down'),
      () => editor.rename(stale, 'Renamed'),
      () => editor.addModule(stale, 'C'),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConflictError);
    }
    expect(await shape(courseId)).to.deep.equal(before);
    expect((await catalog.find(creatorId, courseId))!.title).to.equal('Course');
  });

  it('two moves sent at once from the same version: one applies, the other is refused, positions stay unique', async () => {
    const courseId = await courseWith({ A: ['a1', 'a2', 'a3'] });
    const same = await ref(courseId);
    const results = await Promise.allSettled([
      editor.moveLesson(same, await lessonId(courseId, 'a3'), 'up'),
      editor.moveLesson(same, await lessonId(courseId, 'a1'), 'down'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).to.be.instanceOf(ConflictError);
    const positions = (await shape(courseId))[0]![2] as string[];
    expect(positions.map((p) => p.split(':')[0])).to.deep.equal(['1', '2', '3']);
  });

  it('the database refuses duplicate positions, titles over 120 characters and control characters', async () => {
    const courseId = await courseWith({ A: ['a1'] });
    const sequelize = t.runtime.deps.sequelize;
    const mod = await moduleId(courseId, 'A');
    const insert = (title: string, position: number) =>
      sequelize.query('INSERT INTO course_modules (course_id, title, position) VALUES (:courseId, :title, :position)', {
        replacements: { courseId, title, position },
      });
    await expectRefusal(insert('Dup', 1), /course_modules_position_key/);
    await expectRefusal(insert('x'.repeat(121), 2), /check constraint/);
    await expectRefusal(insert('bell\u0007', 2), /check constraint/);
    await expectRefusal(
      sequelize.query(`INSERT INTO course_lessons (module_id, title, position) VALUES (:mod, 'Dup', 1)`, {
        replacements: { mod },
      }),
      /course_lessons_position_key/,
    );
  });

  it('a deleted video leaves its lesson in place without a video', async () => {
    const courseId = await courseWith({ A: ['a1'] });
    await t.runtime.deps.sequelize.query('DELETE FROM videos WHERE id = :videoId', { replacements: { videoId } });
    const [lesson] = (await catalog.find(creatorId, courseId))!.modules[0]!.lessons;
    expect(lesson!.title).to.equal('a1');
    expect(lesson!.video).to.equal(null);
  });

  it('publishes only a course with a lesson, and unpublishes', async () => {
    const empty = await editor.create(creatorId, 'Empty');
    await expectRefusal(editor.setStatus(await ref(empty), 'published'), ValidationError, /at least one lesson/);
    const courseId = await courseWith({ A: ['a1'] });
    await editor.setStatus(await ref(courseId), 'published');
    expect((await catalog.published(creatorId)).map((c) => c.id)).to.deep.equal([courseId]);
    await editor.setStatus(await ref(courseId), 'draft');
    expect(await catalog.published(creatorId)).to.deep.equal([]);
  });

  it('keeps everything to its creator: another creator’s video, module or course is not found', async () => {
    const courseId = await courseWith({ A: [] });
    const otherCreator = (await makeFactories(t.runtime.deps.models).creator()).id;
    const foreignVideo = await insertVideo(t.runtime.deps.sequelize, otherCreator);
    const mod = await moduleId(courseId, 'A');
    await expectRefusal(
      editor.addLesson(await ref(courseId), mod, { title: 'x', body: '', videoId: foreignVideo }),
      ValidationError,
    );
    await expectRefusal(editor.rename({ ...(await ref(courseId)), creatorId: otherCreator }, 'Mine'), NotFoundError);
    const [row] = await t.runtime.deps.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM course_lessons', {
      type: QueryTypes.SELECT,
    });
    expect(row!.n).to.equal(0);
  });

  it('stores the product choice and lists courses with modules and lessons in order', async () => {
    const courseId = await courseWith({ A: ['a1'], B: ['b1', 'b2'] });
    await expectRefusal(
      editor.setProducts(await ref(courseId), { allProducts: false, productIds: [] }),
      ValidationError,
    );
    await editor.setProducts(await ref(courseId), { allProducts: false, productIds: ['prod_b', 'prod_a'] });
    const [course] = await catalog.list(creatorId);
    expect(course!.allProducts).to.equal(false);
    expect(course!.productIds).to.deep.equal(['prod_a', 'prod_b']);
    expect(course!.modules.map((m) => m.lessons.map((l) => l.title))).to.deep.equal([['a1'], ['b1', 'b2']]);
  });
});
