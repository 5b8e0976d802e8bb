/**
 * The creator API's handlers (`/api/v1`): each reads the token's creator, calls a service and
 * answers JSON in the shapes of the OpenAPI document (src/http/openapi/). Lists page by cursor.
 */
import type { Request, RequestHandler } from 'express';
import { NotFoundError } from '../domain/app-errors.ts';
import { TIER_TABLE } from '../domain/tier-table.ts';
import { apiCallerOf } from '../middleware/require-api-token.ts';
import type { ApiVideosQuery } from '../services/creator-api/api-videos-query.ts';
import type { ApiStudentsQuery } from '../services/creator-api/api-students-query.ts';
import type { ApiCoursesQuery } from '../services/creator-api/api-courses-query.ts';
import type { VideoLibrary } from '../services/videos/video-library.ts';
import { nextCreditReset, monthOf, type UsageService } from '../services/usage/usage-service.ts';
import { pageOf, pageRequest } from './api-v1-pagination.ts';
import { parseBody, videoTitleSchema } from './request-schemas.ts';

const NO_SUCH_VIDEO = 'No video with that id in your library.';

function videoIdOf(req: Request): number {
  const raw = String(req.params.videoId ?? '');
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw new NotFoundError(NO_SUCH_VIDEO);
  return Number(raw);
}

export function apiV1Controller(deps: {
  videos: ApiVideosQuery;
  library: Pick<VideoLibrary, 'rename'>;
  students: ApiStudentsQuery;
  courses: ApiCoursesQuery;
  usage: Pick<UsageService, 'usage'>;
  now: () => number;
}) {
  const me: RequestHandler = (req, res) => {
    const { creator, token } = apiCallerOf(req);
    res.json({
      creator: { id: creator.id, whopCompanyId: creator.whopCompanyId, name: creator.name, tier: creator.tier },
      token: {
        id: token.id,
        name: token.name,
        prefix: token.prefix,
        scope: token.scope,
        createdAt: token.createdAt,
        lastUsedAt: token.lastUsedAt,
      },
      features: TIER_TABLE[creator.tier].features,
    });
  };

  const listVideos: RequestHandler = async (req, res) => {
    const { afterId, limit } = pageRequest('videos', req.query);
    const rows = await deps.videos.page(apiCallerOf(req).creator.id, afterId, limit + 1);
    res.json(pageOf('videos', rows, limit));
  };

  const getVideo: RequestHandler = async (req, res) => {
    const video = await deps.videos.find(apiCallerOf(req).creator.id, videoIdOf(req));
    if (!video) throw new NotFoundError(NO_SUCH_VIDEO);
    res.json(video);
  };

  const updateVideo: RequestHandler = async (req, res) => {
    const creatorId = apiCallerOf(req).creator.id;
    const videoId = videoIdOf(req);
    const { title } = parseBody(videoTitleSchema, req.body);
    await deps.library.rename(creatorId, videoId, title);
    const video = await deps.videos.find(creatorId, videoId);
    if (!video) throw new NotFoundError(NO_SUCH_VIDEO);
    res.json(video);
  };

  const listStudents: RequestHandler = async (req, res) => {
    const { afterId, limit } = pageRequest('students', req.query);
    const rows = await deps.students.page(apiCallerOf(req).creator.id, afterId, limit + 1);
    res.json(pageOf('students', rows, limit));
  };

  const listCourses: RequestHandler = async (req, res) => {
    const { afterId, limit } = pageRequest('courses', req.query);
    const rows = await deps.courses.page(apiCallerOf(req).creator.id, afterId, limit + 1);
    res.json(pageOf('courses', rows, limit));
  };

  const usage: RequestHandler = async (req, res) => {
    const { creator } = apiCallerOf(req);
    const at = new Date(deps.now());
    res.json({
      tier: creator.tier,
      month: monthOf(at).slice(0, 7),
      aiCreditsResetAt: nextCreditReset(at),
      usage: await deps.usage.usage(creator.id),
      limits: TIER_TABLE[creator.tier].limits,
    });
  };

  return { me, listVideos, getVideo, updateVideo, listStudents, listCourses, usage };
}
