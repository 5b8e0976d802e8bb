/** What the JSON API and the forms accept, with clear messages; anything else is a 400 with details. */
import { z } from 'zod';
import { ValidationError } from '../domain/app-errors.ts';

export const MAX_VIDEO_BYTES = 50 * 1024 ** 3;
export const MAX_VIDEO_SECONDS = 24 * 60 * 60;

const wholeNumber = (label: string, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .positive(`${label} must be greater than zero`)
    .max(max, `${label} must be at most ${max.toLocaleString('en-US')}`);

// Text a person can read: no control characters, no broken UTF-16, not only invisible characters.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const INVISIBLE = /[\s\u200b-\u200d\u2060\ufeff]/g;

export const newVideoSchema = z.object({
  title: z
    .string({ error: 'title is required' })
    .trim()
    .min(1, 'title is required')
    .max(200, 'title must be at most 200 characters')
    .refine((t) => !CONTROL.test(t), 'title must not contain control characters')
    .refine((t) => t.isWellFormed(), 'title must be valid Unicode text')
    .refine((t) => t.replace(INVISIBLE, '').length > 0, 'title is required'),
  sizeBytes: wholeNumber('sizeBytes', MAX_VIDEO_BYTES),
  durationSeconds: wholeNumber('durationSeconds', MAX_VIDEO_SECONDS),
});

export const aiCreditsSchema = z.object({
  amount: z
    .number({ error: 'amount must be a number' })
    .int('amount must be a whole number')
    .min(1, 'amount must be at least 1')
    .max(1000, 'amount must be at most 1000'),
});

/** The body, parsed; a ValidationError listing each problem by field otherwise. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  throw new ValidationError(details.map((d) => d.message).join('; '), details);
}
