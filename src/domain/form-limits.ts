/**
 * The most a urlencoded or JSON body may carry (the body parsers' limit). It is above the largest
 * body a page's form can send with every field at its `maxlength` (the lesson form: 10,000 + 120
 * characters, at most 9 bytes each once percent-encoded, about 92 KB), so text a browser lets a
 * user type is never refused unread: a field too long reaches the form's own check, which keeps
 * the text and says so next to the field. `form-limits.test.ts` holds this sum to the limit.
 */
export const FORM_BODY_MAX_BYTES = 100 * 1024;

/** Percent-encoding writes a UTF-16 code unit as at most 9 bytes (a 3-byte UTF-8 character, %XX each). */
export const ENCODED_BYTES_PER_CHAR = 9;
