/**
 * A refused form drawn again: what the user typed, kept, and each error next to its field
 * (`aria-invalid`, `aria-describedby` naming the error), so the page's focus script can put the
 * user on the first invalid field. Keys are the fields' element ids.
 */
export interface FormState {
  errors: Record<string, string>;
  typed: Record<string, string>;
}

/** The attributes of field `id`: invalid and described by its error (and `hint`, if any) when it has one. */
export function invalidAttrs(state: FormState | undefined, id: string, hint?: string): string {
  const described = [hint, state?.errors[id] ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return `${state?.errors[id] ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}`;
}

/** What the user typed into field `id`, else the saved value. */
export function typedOr(state: FormState | undefined, id: string, saved: string): string {
  return state?.typed[id] ?? saved;
}

/** The error of field `id`, if it has one. */
export function fieldError(state: FormState | undefined, id: string): string | undefined {
  return state?.errors[id];
}

/** Whether any of the fields whose ids start with `prefix` has an error (to open a closed `<details>`). */
export function hasErrorUnder(state: FormState | undefined, prefix: string): boolean {
  return Object.keys(state?.errors ?? {}).some((id) => id.startsWith(prefix));
}

/**
 * The form state of a refusal: `details` are the validation issues (`field`, `message`), `fields`
 * maps the form's field names to their element ids, `body` is what was sent. Undefined when no
 * issue names one of the fields (the page then says the reason at its top).
 */
export function formStateOf(
  details: unknown,
  fields: Record<string, string>,
  body: unknown,
  keepChars = 100_000,
): FormState | undefined {
  const issues = Array.isArray(details) ? (details as { field?: unknown; message?: unknown }[]) : [];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const id = typeof issue.field === 'string' ? fields[issue.field] : undefined;
    if (id && typeof issue.message === 'string' && !errors[id]) errors[id] = issue.message;
  }
  if (Object.keys(errors).length === 0) return undefined;
  const sent = (body ?? {}) as Record<string, unknown>;
  const typed: Record<string, string> = {};
  for (const [name, id] of Object.entries(fields)) {
    const value = sent[name];
    if (typeof value === 'string') typed[id] = value.slice(0, keepChars);
  }
  return { errors, typed };
}
