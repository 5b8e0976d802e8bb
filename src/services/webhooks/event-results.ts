/** What handling an event came to, and the error for events that can never succeed. */
export interface EventResult {
  status: 'processed' | 'skipped' | 'ignored';
  outcome: string;
}

/** The event's data can never be applied (not a membership, not a payment): no retry helps. */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

export const processed = (outcome: string): EventResult => ({ status: 'processed', outcome });
export const skipped = (outcome: string): EventResult => ({ status: 'skipped', outcome });
export const ignored = (outcome: string): EventResult => ({ status: 'ignored', outcome });
