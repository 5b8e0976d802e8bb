/**
 * The OpenAPI 3.1 document of the creator API, served at `/api/v1/openapi.json`. Tests check it
 * with an OpenAPI validator and check every response of the API against it. An endpoint is a
 * path here, a schema in `openapi-schemas.ts`, and a line in `routes/api-v1-routes.ts`.
 */
import { API_SETTINGS_PATH, API_V1_PATH, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../api-paths.ts';
import { schemas } from './openapi-schemas.ts';

const json = (schema: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const refused = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** What every token-guarded operation may answer besides its success. */
const guarded = { '401': refused('Unauthorized'), '429': refused('RateLimited') };

const pageParameters = [{ $ref: '#/components/parameters/Cursor' }, { $ref: '#/components/parameters/Limit' }];

const videoId = {
  name: 'videoId',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

/** Pathname → path item. Adding an endpoint: one entry here, its schemas, and its route. */
const paths = {
  '/me': {
    get: {
      operationId: 'getMe',
      summary: 'The creator and token this request acts for',
      responses: { '200': json('Me', 'The creator and the token.'), ...guarded },
    },
  },
  '/videos': {
    get: {
      operationId: 'listVideos',
      summary: "The creator's videos, lowest id first",
      parameters: pageParameters,
      responses: { '200': json('VideoPage', 'One page of videos.'), '400': refused('BadRequest'), ...guarded },
    },
  },
  '/videos/{videoId}': {
    parameters: [videoId],
    get: {
      operationId: 'getVideo',
      summary: 'One video',
      responses: { '200': json('Video', 'The video.'), '404': refused('NotFound'), ...guarded },
    },
    patch: {
      operationId: 'updateVideo',
      summary: 'Rename a video (needs a token with the write scope)',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/VideoTitle' } } },
      },
      responses: {
        '200': json('Video', 'The renamed video.'),
        '400': refused('BadRequest'),
        '403': refused('Forbidden'),
        '404': refused('NotFound'),
        ...guarded,
      },
    },
  },
  '/students': {
    get: {
      operationId: 'listStudents',
      summary: "The creator's students with status, join date and progress, lowest id first",
      parameters: pageParameters,
      responses: { '200': json('StudentPage', 'One page of students.'), '400': refused('BadRequest'), ...guarded },
    },
  },
  '/courses': {
    get: {
      operationId: 'listCourses',
      summary: "The creator's courses (drafts too) with their modules and lessons in order, lowest id first",
      parameters: pageParameters,
      responses: { '200': json('CoursePage', 'One page of courses.'), '400': refused('BadRequest'), ...guarded },
    },
  },
  '/usage': {
    get: {
      operationId: 'getUsage',
      summary: "This month's usage against the tier's limits",
      responses: { '200': json('Usage', 'Usage and limits.'), ...guarded },
    },
  },
};

export function openApiDocument(appUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chronos creator API',
      version: '1.0.0',
      description:
        `Read your Chronos data from your own tools. Create a personal access token on ${API_SETTINGS_PATH} ` +
        '(Pro plan and up) and send it as `Authorization: Bearer chr_…`. Tokens are read-only unless created ' +
        'with the write scope. Session cookies do not authenticate this API.',
    },
    servers: [{ url: `${appUrl}${API_V1_PATH}` }],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal access token, `chr_…`.' },
      },
      parameters: {
        Cursor: {
          name: 'cursor',
          in: 'query',
          description: 'The `nextCursor` of the previous page of the same list.',
          schema: { type: 'string' },
        },
        Limit: {
          name: 'limit',
          in: 'query',
          description: `Items per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
        },
      },
      responses: {
        BadRequest: json('Error', 'The request is invalid: `invalid_cursor`, `invalid_limit`, `invalid_request`.'),
        Unauthorized: json(
          'Error',
          'No usable token: `missing_token`, `malformed_token`, `invalid_token`, `revoked_token`, or `plan_required` ' +
            '(the creator is no longer on a plan with API access; the token works again after an upgrade).',
        ),
        Forbidden: json('Error', '`insufficient_scope`: the token is read-only.'),
        NotFound: json('Error', '`not_found`: no such item of this creator.'),
        RateLimited: {
          ...json('Error', '`rate_limited`: too many requests with this token; see `Retry-After`.'),
          headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } },
        },
      },
      schemas,
    },
  };
}
