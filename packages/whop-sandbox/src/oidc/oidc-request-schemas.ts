/** zod schemas of the form and JSON bodies the provider accepts. */
import { z } from 'zod';
import { OAuthError } from './oidc-errors.ts';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const codeVerifier = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/);

export const authorizationCodeGrantSchema = z.object({
  code: z.string().min(1),
  redirect_uri: z.string().min(1),
  code_verifier: codeVerifier,
});

export const refreshTokenGrantSchema = z.object({
  refresh_token: z.string().min(1),
  scope: z.string().optional(),
});

export const revocationRequestSchema = z.object({
  token: z.string().min(1),
  token_type_hint: z.string().optional(),
});

export const consentDecisionSchema = z.object({
  handle: z.string().min(1).max(200),
  decision: z.enum(['approve', 'deny']),
  user_id: z.string().max(200).optional(),
});

/** The body as a plain record (absent or non-object bodies read as empty). */
export function bodyRecord(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** Parses or throws `invalid_request` naming the bad parameters (never their values). */
export function parseTokenRequest<T extends z.ZodType>(schema: T, body: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const names = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || 'body'))];
  throw new OAuthError('invalid_request', `missing, repeated or malformed parameter: ${names.join(', ')}`);
}
