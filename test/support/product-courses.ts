/**
 * What the watching-by-product tests set up over the sandbox and the course builder's own forms:
 * a second product the creator sells on Whop (with a plan members can buy), and a published
 * course of one module whose lessons are given videos, opened by one product or by all.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { ChronosWithSandbox } from './chronos-with-sandbox.ts';
import { formField, type TestBrowser } from './test-browser.ts';

/** Adds product `productId` (with plan `planId`) to the company of `likeProduct`, as a creator does on Whop. */
export function sellSecondProduct(
  t: ChronosWithSandbox,
  ids: { likeProduct: string; productId: string; planId: string },
): void {
  const state = t.sandbox.sandbox.state;
  const like = state.getProduct(ids.likeProduct)!;
  state.insertProduct({ ...like, id: ids.productId, title: 'VIP Coaching', route: 'vip-coaching' });
  const plan = state.plansOfProduct(ids.likeProduct)[0]!;
  state.insertPlan({ ...plan, id: ids.planId, product_id: ids.productId, title: 'VIP Coaching monthly' });
}

/**
 * Builds and publishes, as `creator` on the builder's pages, a course of one module holding
 * one lesson per video; `productId`: the only product that opens it (null: all products).
 */
export async function publishedCourse(
  t: ChronosWithSandbox,
  creator: TestBrowser,
  course: { title: string; videoIds: number[]; productId: string | null },
): Promise<void> {
  const url = (path: string) => `${t.appUrl}${path}`;
  const sql = <T extends object>(query: string, replacements: Record<string, unknown>) =>
    t.runtime.deps.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
  const post = async (path: string, form: Record<string, string>) => {
    const html = (await creator.get(url('/dashboard/courses'))).text;
    const answer = await creator.post(url(path), { _csrf: formField(html, '_csrf')!, ...form });
    expect(answer.status, `${path}: ${answer.text.slice(0, 300)}`).to.equal(303);
    return answer;
  };
  const created = await post('/dashboard/courses', { title: course.title });
  const courseId = Number(/\/dashboard\/courses\/(\d+)$/.exec(created.location!)![1]);
  const base = `/dashboard/courses/${courseId}`;
  const version = async () =>
    String((await sql<{ v: number }>('SELECT version AS v FROM courses WHERE id = :courseId', { courseId }))[0]!.v);
  await post(`${base}/modules`, { title: 'Module', version: await version() });
  const [mod] = await sql<{ id: number }>('SELECT id FROM course_modules WHERE course_id = :courseId', { courseId });
  for (const videoId of course.videoIds)
    await post(`${base}/modules/${mod!.id}/lessons`, {
      title: `Lesson ${videoId}`,
      videoId: String(videoId),
      version: await version(),
    });
  if (course.productId)
    await post(`${base}/products`, { access: 'selected', productIds: course.productId, version: await version() });
  await post(`${base}/status`, { status: 'published', version: await version() });
}
