/** What the course builder's forms accept; anything else is refused with a sentence naming the field. */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- a lesson's text keeps tabs and line breaks, nothing else below space
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const INVISIBLE = /[\s\u200b-\u200d\u2060\ufeff]/g;

export const TITLE_MAX = 120;
export const LESSON_TEXT_MAX = 10_000;

/** A course, module or lesson title: 1 to 120 characters of readable text on one line. */
function title(what: string) {
  return z
    .string({ error: `Enter a ${what} title.` })
    .trim()
    .min(1, `Enter a ${what} title.`)
    .max(TITLE_MAX, `The ${what} title must be at most ${TITLE_MAX} characters.`)
    .refine((t) => !CONTROL.test(t), `The ${what} title must not contain control characters.`)
    .refine((t) => t.isWellFormed(), `The ${what} title must be valid Unicode text.`)
    .refine((t) => t.replace(INVISIBLE, '').length > 0, `Enter a ${what} title.`);
}

const id = (what: string) =>
  z
    .string({ error: `Choose a ${what}.` })
    .regex(/^[1-9][0-9]{0,9}$/, `Choose a ${what}.`)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, `Choose a ${what}.`);

/** The course version a form was drawn from (stale-tab check). */
export const versionSchema = z.object({
  version: z
    .string({ error: 'The form is missing the course version; reload the page.' })
    .regex(/^[1-9][0-9]{0,9}$/, 'The form is missing the course version; reload the page.')
    .transform(Number),
});

export const courseTitleSchema = z.object({ title: title('course') });
export const moduleTitleSchema = z.object({ title: title('module') });

export const lessonSchema = z.object({
  title: title('lesson'),
  videoId: id('video'),
  body: z
    .string()
    .optional()
    .default('')
    .transform((t) => t.replace(/\r\n?/g, '\n').trim())
    .refine((t) => t.length <= LESSON_TEXT_MAX, `The lesson text must be at most ${LESSON_TEXT_MAX} characters.`)
    .refine((t) => !TEXT_CONTROL.test(t), 'The lesson text must not contain control characters.')
    .refine((t) => t.isWellFormed(), 'The lesson text must be valid Unicode text.'),
});

export const moveSchema = z.object({
  direction: z.enum(['up', 'down'], { error: 'Choose to move up or down.' }),
});

export const moveToModuleSchema = z.object({ moduleId: id('module') });

export const statusSchema = z.object({
  status: z.enum(['published', 'draft'], { error: 'Choose to publish or unpublish.' }),
});

/** `access=all`, or `access=selected` with one or more `productIds` (a field repeated, or once). */
export const productChoiceSchema = z.object({
  access: z.enum(['all', 'selected'], { error: 'Choose which products open the course.' }),
  productIds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});

/** An id in a path (`:courseId`, `:moduleId`, `:lessonId`): a positive integer that fits the column, or null. */
export function pathId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}
