/** The checkout form: who pays, and whether the card goes through (`succeeded`) or is declined (`failed`). */
import { z } from 'zod';
import { withoutBlankFields } from '../control/control-schemas.ts';
import { ValidationError } from '../sandbox-errors.ts';

export const checkoutFormSchema = z.object({
  user: z.string({ error: 'Choose who pays.' }).regex(/^user_[A-Za-z0-9_]+$/, 'Choose who pays.'),
  outcome: z.enum(['succeeded', 'failed'], { error: 'Choose “Pay” or “Pay with a declined card”.' }),
  /** The checkout configuration (`ch_…`) the page was opened with, if any. */
  session: z
    .string()
    .regex(/^ch_[A-Za-z0-9]+$/, 'This checkout link is not valid.')
    .optional(),
});

export type CheckoutForm = z.output<typeof checkoutFormSchema>;

/** The user id the form was sent with, valid or not, to show it selected again. */
export function chosenUser(body: unknown): string {
  const user = withoutBlankFields(body).user;
  return typeof user === 'string' ? user.slice(0, 100) : '';
}

/** Parses the posted form; a ValidationError carries short messages a buyer can act on. */
export function parseCheckoutForm(body: unknown): CheckoutForm {
  const result = checkoutFormSchema.safeParse(withoutBlankFields(body));
  if (result.success) return result.data;
  const messages = [...new Set(result.error.issues.map((issue) => issue.message))];
  throw new ValidationError(
    messages.join(' '),
    result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
  );
}
