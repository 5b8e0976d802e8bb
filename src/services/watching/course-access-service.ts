/**
 * Who may watch a creator's videos. The rule is the one the student dashboard already shows:
 * a student row of that creator with status `active` (an active membership of one of the
 * creator's products, `past_due` within its grace period included). `over_limit` students
 * have no access until the creator upgrades; `inactive` and `archived` ones had a membership
 * that ended. The creator previews their own course. Nobody else gets in, admins included.
 *
 * On top of it, a video in a published course restricted to some products is watchable only
 * by students one of whose granting memberships is of a product that opens such a course
 * (video-product-rule.ts, the one rule, applied here to the player, the lists, the media route
 * and progress).
 *
 * Every page and every media request asks again: nothing about access is kept in the session.
 */
import { Op, QueryTypes, literal, type Sequelize } from 'sequelize';
import { preparedStatement, type PreparedReads } from '../../db/prepared-reads.ts';
import type { Models } from '../../models/init-models.ts';
import type { Creator } from '../../models/creator-model.ts';
import type { Video } from '../../models/video-model.ts';
import { statusGrantsAccess, studentAccess } from '../students/student-access.ts';
import type { Student } from '../../models/student-model.ts';
import { productOpensVideoSql, restrictingCoursesSql } from './video-product-rule.ts';

/** The signed-in user as this service needs them. */
export interface Viewer {
  whopUserId: string;
  /** The company the viewer runs on Chronos, if any. */
  creatorId: number | null;
}

export type RefusalKind = 'not_member' | 'over_limit' | 'ended' | 'product';

/** A published course restricted to some products that holds a video (a refusal names them). */
export interface RestrictingCourse {
  id: number;
  title: string;
  productIds: string[];
}

export type CourseAccess =
  | { kind: 'owner' }
  /** `studentId`: the student row; the products of its granting memberships decide which restricted courses open. */
  | { kind: 'student'; studentId: number }
  | {
      kind: 'refused';
      refusal: RefusalKind;
      reason: string;
      renewUrl: string | null;
      /** A product refusal: where to buy a product that opens the video. */
      purchaseUrl?: string | null;
    };

const COMPANY_ID = /^biz_[A-Za-z0-9_]{1,100}$/;
const MAX_ID = 2_147_483_647;

/** A video id from a URL: a positive integer that fits the column, or null. */
export function videoIdFrom(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_ID ? id : null;
}

/** A video as the media route needs it, when its viewer may watch it (owner or student with access). */
export interface PermittedMedia {
  storageKey: string | null;
  status: Video['status'];
  mimeType: string | null;
}

/**
 * The media route's question in one statement, asked for every Range request a player makes:
 * the video, whether this viewer owns its creator or is that creator's student with access,
 * and whether one of the student's granting memberships' products opens the video
 * (video-product-rule.ts, answered through `student_memberships_granting_idx`).
 */
const PERMITTED_MEDIA = preparedStatement(
  'media_permission_by_memberships',
  `SELECT v.storage_key, v.status, v.mime_type,
    (v.creator_id = $3) AS owner,
    s.status AS student_status,
    ${productOpensVideoSql('v.id', 'v.creator_id', 's.id')} AS product_opens
  FROM videos v
  LEFT JOIN students s ON s.creator_id = v.creator_id AND s.whop_user_id = $2
  WHERE v.id = $1`,
);

const READY = { status: 'ready', storageKey: { [Op.ne]: null } } as const;
const LIBRARY_ORDER: [string, string][] = [
  ['position', 'ASC'],
  ['id', 'ASC'],
];

export function createCourseAccessService(deps: {
  /** The hot reads' pool (db/prepared-reads.ts): the media route asks once per Range request. */
  reads: PreparedReads;
  sequelize: Sequelize;
  models: Pick<Models, 'Creator' | 'Student' | 'Video'>;
}) {
  const { sequelize } = deps;
  const { Creator, Student, Video } = deps.models;

  async function accessTo(viewer: Viewer, creator: Creator): Promise<CourseAccess> {
    if (viewer.creatorId === creator.id) return { kind: 'owner' };
    const student = await Student.findOne({ where: { creatorId: creator.id, whopUserId: viewer.whopUserId } });
    const name = creator.companyName ?? creator.whopCompanyId;
    if (!student)
      return {
        kind: 'refused',
        refusal: 'not_member',
        reason: `This course is for members of ${name} on Whop, and you are not one.`,
        renewUrl: null,
      };
    const { hasAccess, reason } = studentAccess(Object.assign(student, { creator }));
    if (hasAccess) return { kind: 'student', studentId: student.id };
    if (student.status === 'over_limit') return { kind: 'refused', refusal: 'over_limit', reason, renewUrl: null };
    return { kind: 'refused', refusal: 'ended', reason, renewUrl: student.manageUrl ?? null };
  }

  return {
    /** The onboarded creator with this Whop company id, or null (also for anything that is not one). */
    async creatorByCompany(whopCompanyId: string): Promise<Creator | null> {
      if (!COMPANY_ID.test(whopCompanyId)) return null;
      return Creator.findOne({ where: { whopCompanyId } });
    },

    async creatorById(id: number): Promise<Creator | null> {
      return Creator.findByPk(id);
    },

    accessTo,

    /**
     * The video if this viewer may watch it; `undefined` when there is no such video; null when
     * access is refused (ask `accessTo` for the reason: the refusal path may be slower).
     */
    async permittedMedia(viewer: Viewer, videoId: number): Promise<PermittedMedia | null | undefined> {
      const [row] = await deps.reads.read<{
        storage_key: string | null;
        status: Video['status'];
        mime_type: string | null;
        owner: boolean | null;
        student_status: Student['status'] | null;
        product_opens: boolean;
      }>(PERMITTED_MEDIA, [videoId, viewer.whopUserId, viewer.creatorId ?? 0]);
      if (!row) return undefined;
      const permitted =
        row.owner === true ||
        (row.student_status !== null && statusGrantsAccess(row.student_status) && row.product_opens);
      return permitted ? { storageKey: row.storage_key, status: row.status, mimeType: row.mime_type } : null;
    },

    /**
     * The creator's playable videos this admitted viewer may watch, in library order (position,
     * then id): every one for the creator, for a student those their products open (one query).
     */
    watchableVideos(creatorId: number, access: Exclude<CourseAccess, { kind: 'refused' }>): Promise<Video[]> {
      const student = access.kind === 'student' ? sequelize.escape(access.studentId) : 'NULL';
      const where =
        access.kind === 'owner'
          ? { creatorId, ...READY }
          : {
              creatorId,
              ...READY,
              [Op.and]: [literal(productOpensVideoSql('"Video"."id"', '"Video"."creator_id"', student))],
            };
      return Video.findAll({ where, order: LIBRARY_ORDER });
    },

    /** Whether the student `studentId` (null: none) may watch the video under the product rule. */
    async productOpens(video: Pick<Video, 'id' | 'creatorId'>, studentId: number | null): Promise<boolean> {
      const [row] = await sequelize.query<{ opens: boolean }>(
        `SELECT ${productOpensVideoSql(':videoId', ':creatorId', 'CAST(:studentId AS integer)')} AS opens`,
        { replacements: { videoId: video.id, creatorId: video.creatorId, studentId }, type: QueryTypes.SELECT },
      );
      return row?.opens === true;
    },

    /**
     * Where the student renews an ended membership of one of `productIds` (Whop's manage page of
     * the latest changed one), or null when none of theirs has ended: a product refusal offers
     * it beside the link to buy. An ended membership of another product would not open the video.
     */
    async renewUrlFor(studentId: number, productIds: string[]): Promise<string | null> {
      if (productIds.length === 0) return null;
      const [row] = await sequelize.query<{ manage_url: string }>(
        `SELECT manage_url FROM student_memberships
          WHERE student_id = :studentId AND NOT grants_access AND manage_url IS NOT NULL
            AND whop_product_id IN (:productIds)
          ORDER BY membership_updated_at DESC, id DESC LIMIT 1`,
        { replacements: { studentId, productIds }, type: QueryTypes.SELECT },
      );
      return row?.manage_url ?? null;
    },

    /** The published, product-restricted courses holding the video (empty when none restricts it). */
    async restrictingCourses(video: Pick<Video, 'id' | 'creatorId'>): Promise<RestrictingCourse[]> {
      const rows = await sequelize.query<{ id: number; title: string; product_ids: string[] }>(
        restrictingCoursesSql(':videoId', ':creatorId'),
        { replacements: { videoId: video.id, creatorId: video.creatorId }, type: QueryTypes.SELECT },
      );
      return rows.map((r) => ({ id: r.id, title: r.title, productIds: r.product_ids }));
    },

    /** A video in any status (the caller decides what a missing or unready one means), or null. */
    video(id: number): Promise<Video | null> {
      return Video.findByPk(id);
    },
  };
}

/** A video can be played once its bytes are stored and probed. */
export function isPlayable(video: Video): video is Video & { storageKey: string } {
  return video.status === 'ready' && typeof video.storageKey === 'string';
}

export type CourseAccessService = ReturnType<typeof createCourseAccessService>;
