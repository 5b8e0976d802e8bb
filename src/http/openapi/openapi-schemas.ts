/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the creator API's bodies. Objects are
 * closed (`additionalProperties: false`) so the response tests catch a field the document misses.
 */
import { FEATURES, TIERS } from '../../domain/tier-table.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const dateTime = { type: 'string', format: 'date-time' };
const nullable = (type: string) => ({ type: [type, 'null'] });
const closed = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

/** `{data, nextCursor}` of `item`. */
export const pageOf = (item: string) =>
  closed({
    data: { type: 'array', items: ref(item) },
    nextCursor: {
      ...nullable('string'),
      description: 'Pass as `cursor` to get the next page; null on the last page.',
    },
  });

export const schemas = {
  Error: {
    ...closed(
      {
        error: { type: 'string', description: 'A stable code, e.g. `revoked_token`, `invalid_cursor`.' },
        message: { type: 'string', description: 'What went wrong and what to do, for people.' },
        details: {
          type: 'array',
          items: closed({ field: { type: 'string' }, message: { type: 'string' } }),
        },
        retryAfterSeconds: { type: 'integer', minimum: 1 },
      },
      ['details', 'retryAfterSeconds'],
    ),
  },
  Tier: { type: 'string', enum: [...TIERS] },
  Creator: closed({
    id: { type: 'integer' },
    whopCompanyId: { type: 'string', pattern: '^biz_' },
    name: nullable('string'),
    tier: ref('Tier'),
  }),
  Token: closed({
    id: { type: 'integer' },
    name: { type: 'string' },
    prefix: { type: 'string', pattern: '^chr_[A-Za-z0-9_-]{8}$' },
    scope: { type: 'string', enum: ['read', 'write'] },
    createdAt: dateTime,
    lastUsedAt: { ...dateTime, type: ['string', 'null'] },
  }),
  Me: closed({
    creator: ref('Creator'),
    token: ref('Token'),
    features: { type: 'array', items: { type: 'string', enum: [...FEATURES] } },
  }),
  Video: closed({
    id: { type: 'integer' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    status: { type: 'string', enum: ['uploading', 'ready', 'failed'] },
    sizeBytes: { type: 'integer', minimum: 0 },
    durationSeconds: nullable('number'),
    width: nullable('integer'),
    height: nullable('integer'),
    createdAt: dateTime,
  }),
  VideoPage: pageOf('Video'),
  VideoTitle: closed({ title: { type: 'string', minLength: 1, maxLength: 200 } }),
  Student: closed({
    id: { type: 'integer' },
    whopUserId: { type: 'string', pattern: '^user_' },
    username: nullable('string'),
    status: { type: 'string', enum: ['active', 'over_limit', 'inactive', 'archived'] },
    joinedAt: dateTime,
    progress: closed({
      completedVideos: { type: 'integer', minimum: 0, description: 'Ready videos the student watched 90 % of.' },
      totalVideos: { type: 'integer', minimum: 0, description: "The creator's ready videos." },
    }),
  }),
  StudentPage: pageOf('Student'),
  LessonVideo: closed({
    id: { type: 'integer' },
    title: { type: 'string' },
    status: { type: 'string', enum: ['uploading', 'ready', 'failed'] },
    durationSeconds: nullable('number'),
  }),
  Lesson: closed({
    id: { type: 'integer' },
    title: { type: 'string', minLength: 1, maxLength: 120 },
    body: { type: 'string', description: 'The lesson text; empty when it has none.' },
    position: { type: 'integer', minimum: 1 },
    video: { oneOf: [ref('LessonVideo'), { type: 'null' }], description: 'null when the video was deleted.' },
  }),
  Module: closed({
    id: { type: 'integer' },
    title: { type: 'string', minLength: 1, maxLength: 120 },
    position: { type: 'integer', minimum: 1 },
    lessons: { type: 'array', items: ref('Lesson') },
  }),
  Course: closed({
    id: { type: 'integer' },
    title: { type: 'string', minLength: 1, maxLength: 120 },
    status: { type: 'string', enum: ['draft', 'published'] },
    allProducts: { type: 'boolean', description: "true: every one of the creator's Whop products opens it." },
    productIds: { type: 'array', items: { type: 'string' }, description: 'The products that open it otherwise.' },
    publishedAt: { ...dateTime, type: ['string', 'null'] },
    createdAt: dateTime,
    updatedAt: dateTime,
    modules: { type: 'array', items: ref('Module') },
  }),
  CoursePage: pageOf('Course'),
  Counts: closed({
    videos: { type: 'integer', minimum: 0 },
    storageBytes: { type: 'integer', minimum: 0 },
    aiCredits: { type: 'integer', minimum: 0 },
    students: { type: 'integer', minimum: 0 },
  }),
  Limits: closed({
    videos: nullable('integer'),
    storageBytes: nullable('integer'),
    aiCredits: nullable('integer'),
    students: nullable('integer'),
  }),
  Usage: closed({
    tier: ref('Tier'),
    month: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}$' },
    aiCreditsResetAt: dateTime,
    usage: ref('Counts'),
    limits: { ...ref('Limits'), description: 'null means unlimited.' },
  }),
};
