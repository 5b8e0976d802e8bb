/** A student's membership row for tests that store students directly (src/services/students/student-memberships.ts). */
import { QueryTypes, type Sequelize } from 'sequelize';

export async function holdMembership(
  sequelize: Sequelize,
  m: {
    studentId: number;
    membershipId: string;
    productId: string | null;
    /** Whether it grants access; true by default. */
    grantsAccess?: boolean;
    status?: string;
    updatedAt?: Date;
    manageUrl?: string | null;
  },
): Promise<void> {
  const grantsAccess = m.grantsAccess ?? true;
  await sequelize.query(
    `INSERT INTO student_memberships (student_id, whop_membership_id, whop_product_id, membership_status,
            membership_updated_at, grants_access, manage_url)
     VALUES (:studentId, :membershipId, :productId, :status, :updatedAt, :grantsAccess, :manageUrl)
     ON CONFLICT (whop_membership_id) DO UPDATE SET whop_product_id = EXCLUDED.whop_product_id,
            membership_status = EXCLUDED.membership_status, grants_access = EXCLUDED.grants_access
     RETURNING 1`,
    {
      replacements: {
        studentId: m.studentId,
        membershipId: m.membershipId,
        productId: m.productId,
        status: m.status ?? (grantsAccess ? 'active' : 'expired'),
        updatedAt: m.updatedAt ?? new Date(),
        grantsAccess,
        manageUrl: m.manageUrl ?? null,
      },
      type: QueryTypes.SELECT,
    },
  );
}
