/**
 * The products a creator can choose from when deciding which of them open a course: the
 * company's products as Whop lists them (`GET /products?company_id=…`), plus any product id
 * Chronos already knows from the memberships of the creator's students (so the choice still works, by id, when
 * Whop cannot be reached). A choice is only accepted for products in this list.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { WhopApiClient } from '../whop/whop-api-client.ts';

export interface CreatorProduct {
  id: string;
  /** Whop's title, or the id when Whop did not answer. */
  title: string;
}

export function createCourseProducts(deps: {
  sequelize: Sequelize;
  whop: Pick<WhopApiClient, 'listProducts'>;
  logger: Logger;
}) {
  return {
    /** The creator's products, by title; `whopAnswered` is false when only the locally known ids are listed. */
    async list(creator: {
      id: number;
      whopCompanyId: string;
    }): Promise<{ products: CreatorProduct[]; whopAnswered: boolean }> {
      const known = await deps.sequelize.query<{ id: string }>(
        `SELECT DISTINCT sm.whop_product_id AS id FROM student_memberships sm JOIN students s ON s.id = sm.student_id
          WHERE s.creator_id = :creatorId AND sm.whop_product_id IS NOT NULL`,
        { replacements: { creatorId: creator.id }, type: QueryTypes.SELECT },
      );
      const products = new Map<string, string>(known.map((row) => [row.id, row.id]));
      let whopAnswered = true;
      try {
        for (const product of await deps.whop.listProducts(creator.whopCompanyId))
          products.set(product.id, product.title || product.id);
      } catch (error) {
        whopAnswered = false;
        deps.logger.warn({ err: error, creatorId: creator.id }, 'products of the company not listed by Whop');
      }
      return {
        products: [...products]
          .map(([id, title]) => ({ id, title }))
          .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id)),
        whopAnswered,
      };
    },
  };
}

export type CourseProducts = ReturnType<typeof createCourseProducts>;
