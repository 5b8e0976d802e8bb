/** Routes a stored event to its handler by kind; unknown types are ignored (stored, 200, nothing done). */
import type { Transaction } from 'sequelize';
import { canonicalType, kindOf, type HandledEnvelope, type HandledKind } from './event-types.ts';
import { ignored, type EventResult } from './event-results.ts';

export type StoredEnvelope = HandledEnvelope;

export interface EventHandler {
  handle(envelope: HandledEnvelope, transaction: Transaction): Promise<EventResult>;
}

export type EventHandlers = Record<'memberships' | 'payments', EventHandler> &
  Partial<Record<'refunds' | 'disputes' | 'invoices' | 'installations', EventHandler>>;

const HANDLER_OF: Record<HandledKind, keyof EventHandlers> = {
  membership: 'memberships',
  payment: 'payments',
  refund: 'refunds',
  dispute: 'disputes',
  dispute_alert: 'disputes',
  invoice: 'invoices',
  app_installation: 'installations',
};

export function createEventProcessor(handlers: EventHandlers) {
  return {
    async process(envelope: StoredEnvelope, transaction: Transaction): Promise<EventResult> {
      const kind = kindOf(envelope.type);
      const handler = kind ? handlers[HANDLER_OF[kind]] : undefined;
      if (!handler) return ignored(`Chronos does not handle ${envelope.type}`);
      return handler.handle({ ...envelope, type: canonicalType(envelope.type) }, transaction);
    },
  };
}

export type EventProcessor = ReturnType<typeof createEventProcessor>;
