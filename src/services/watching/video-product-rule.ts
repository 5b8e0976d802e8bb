/**
 * The one rule for "which of the creator's members may watch this video", on top of the
 * creator-wide rule (an active student of the creator, or the creator; course-access-service.ts):
 *
 * - A video in at least one **published** course whose product choice is restricted (not "all
 *   products") is watchable only by a student one of whose memberships that grant access
 *   (`student_memberships.grants_access`) is of a product that opens at least one published
 *   course containing it (course-catalog.ts `courseOpensFor`: the course is open to all products,
 *   or lists one of the student's products). A member holding A and B watches the courses of
 *   both; when B ends, B's courses close and A's stay open.
 * - A video that is also in a published course open to all products, or in no published course
 *   at all, follows the creator-wide rule alone.
 * - Draft courses do not count: students never see them, so they neither open nor close a video.
 * - The tier does not count: after a downgrade below Basic the published courses stay readable,
 *   so their product choice keeps deciding who watches their videos.
 * - The creator always previews their own videos.
 *
 * It is written once, as SQL, so the hot media route asks it inside its one statement and the
 * lists filter with it in the database. `student` is the student's id (NULL: no student).
 */

/**
 * A boolean SQL expression: whether the student `student` may watch `video` under the product
 * rule (true when no published course contains the video). Every argument is an SQL expression
 * (a column, a bind parameter); `creator` bounds the courses to the video's creator.
 * Cost: one index scan of `course_lessons (video_id)` plus primary-key probes per lesson found,
 * and per restricted course one probe of `student_memberships_granting_idx` (student, product)
 * per product it lists.
 */
export function productOpensVideoSql(video: string, creator: string, student: string): string {
  return `coalesce((SELECT bool_or(c.all_products OR EXISTS (
        SELECT 1 FROM course_products p
          JOIN student_memberships sm
            ON sm.student_id = ${student} AND sm.grants_access AND sm.whop_product_id = p.whop_product_id
         WHERE p.course_id = c.id))
      FROM course_lessons l
      JOIN course_modules m ON m.id = l.module_id
      JOIN courses c ON c.id = m.course_id AND c.status = 'published' AND c.creator_id = ${creator}
     WHERE l.video_id = ${video}), true)`;
}

/** The published courses holding a video, with the products that open each (the refusal names them). */
export function restrictingCoursesSql(video: string, creator: string): string {
  return `SELECT DISTINCT c.id, c.title,
          ARRAY(SELECT p.whop_product_id FROM course_products p WHERE p.course_id = c.id ORDER BY 1) AS product_ids
     FROM course_lessons l
     JOIN course_modules m ON m.id = l.module_id
     JOIN courses c ON c.id = m.course_id AND c.status = 'published' AND c.creator_id = ${creator}
    WHERE l.video_id = ${video} AND NOT c.all_products
    ORDER BY c.id`;
}
