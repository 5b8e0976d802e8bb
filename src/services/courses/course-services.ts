/** The course builder's services, built together (composition/course-video-services.ts spreads them into Services). */
import type { Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { WhopApiClient } from '../whop/whop-api-client.ts';
import { createCourseCatalog } from './course-catalog.ts';
import { createCourseEditor } from './course-editor.ts';
import { createCourseProducts } from './course-products.ts';
import { createStudentCourseView } from './student-course-view.ts';

export function createCourseServices(deps: {
  sequelize: Sequelize;
  whop: Pick<WhopApiClient, 'listProducts'>;
  logger: Logger;
}) {
  const courseCatalog = createCourseCatalog({ sequelize: deps.sequelize });
  return {
    /** A creator's courses as ordered trees (builder pages, the creator API). */
    courseCatalog,
    courseEditor: createCourseEditor({ sequelize: deps.sequelize }),
    courseProducts: createCourseProducts(deps),
    /** The member's view of a creator's published courses (course page, Whop App view). */
    studentCourses: createStudentCourseView({ sequelize: deps.sequelize, catalog: courseCatalog }),
  };
}
