/** What the JSON API and the forms accept, with clear messages; anything else is a 400 with details. */
import { z } from 'zod';
import { ValidationError } from '../domain/app-errors.ts';

// Text a person can read: no control characters, no broken UTF-16, not only invisible characters.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const INVISIBLE = /[\s\u200b-\u200d\u2060\ufeff]/g;

/** A video's title as the creator types it (the library's rename form); the database allows 1 to 200 characters. */
export const videoTitleSchema = z.object({
  title: z
    .string({ error: 'Enter a title.' })
    .trim()
    .min(1, 'Enter a title.')
    .max(200, 'The title must be at most 200 characters.')
    .refine((t) => !CONTROL.test(t), 'The title must not contain control characters.')
    .refine((t) => t.isWellFormed(), 'The title must be valid Unicode text.')
    .refine((t) => t.replace(INVISIBLE, '').length > 0, 'Enter a title.'),
});

/** A library move: one step up or down. */
export const videoMoveSchema = z.object({
  direction: z.enum(['up', 'down'], { error: 'Choose whether to move the video up or down.' }),
});

export const aiCreditsSchema = z.object({
  amount: z
    .number({ error: 'Give the amount of AI credits as a number, such as 10.' })
    .int('Give the amount of AI credits without decimals, such as 10.')
    .min(1, 'The amount of AI credits must be at least 1.')
    .max(1000, 'The amount of AI credits can be at most 1,000 at a time.'),
});

/**
 * The body, parsed; otherwise a ValidationError whose message is the sentences above, each said
 * once (a field that breaks two rules with the same sentence is named once), and whose details
 * list each problem by field for the JSON API.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const seen = new Set<string>();
  const details = result.error.issues
    .map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }))
    .filter((d) => !seen.has(`${d.field}\n${d.message}`) && Boolean(seen.add(`${d.field}\n${d.message}`)));
  throw new ValidationError([...new Set(details.map((d) => d.message))].join(' '), details);
}

/** A new API token: a name to tell it apart and its scope (read-only unless `write` is chosen). */
export const apiTokenSchema = z.object({
  name: z
    .string({ error: 'Enter a name for the token.' })
    .trim()
    .min(1, 'Enter a name for the token.')
    .max(60, 'The name must be at most 60 characters.')
    .refine((t) => !CONTROL.test(t), 'The name must not contain control characters.')
    .refine((t) => t.isWellFormed(), 'The name must be valid Unicode text.'),
  scope: z.enum(['read', 'write'], { error: 'Choose read-only or read and write.' }).default('read'),
});
