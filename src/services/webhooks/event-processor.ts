/** Routes a stored event to its handler by type; unknown types are ignored (stored, 200, nothing done). */
import type { Transaction } from 'sequelize';
import { kindOf } from './event-types.ts';
import { ignored, type EventResult } from './event-results.ts';
import type { createMembershipEventHandler } from './membership-event-handler.ts';
import type { createPaymentEventHandler } from './payment-event-handler.ts';

export interface StoredEnvelope {
  type: string;
  company_id?: string | null;
  data: unknown;
}

export function createEventProcessor(handlers: { memberships: ReturnType<typeof createMembershipEventHandler>; payments: ReturnType<typeof createPaymentEventHandler> }) {
  return {
    async process(envelope: StoredEnvelope, transaction: Transaction): Promise<EventResult> {
      const kind = kindOf(envelope.type);
      if (kind === 'membership' || kind === 'membership_deleted') return handlers.memberships.handle(envelope, transaction);
      if (kind === 'payment') return handlers.payments.handle(envelope, transaction);
      return ignored(`Chronos does not handle ${envelope.type}`);
    },
  };
}

export type EventProcessor = ReturnType<typeof createEventProcessor>;
