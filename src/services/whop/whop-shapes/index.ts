/**
 * The one translation point between Whop's payloads and Chronos: every shape Whop sends
 * (nested/unpinned, flat/native pinned, legacy v5) becomes Chronos's own Membership, Payment,
 * Refund, Dispute, DisputeAlert or Invoice here, one file per object. Handlers, reconciliation
 * and onboarding see only these; a ShapeError means the data can never be read as that object.
 */
export { ShapeError, type PayloadShape } from './shape-primitives.ts';
export { toMembership, type Membership, type MembershipContext } from './membership-shape.ts';
export { toPayment, type Payment } from './payment-shape.ts';
export { toRefund, REFUND_STATUSES, type Refund } from './refund-shape.ts';
export { toDispute, toDisputeAlert, OPEN_DISPUTE_STATUSES, type Dispute, type DisputeAlert } from './dispute-shape.ts';
export { toInvoice, type Invoice } from './invoice-shape.ts';
export { currencyDecimals, exactMinorUnits, roundedMinorUnits } from '../../../domain/currency-precision.ts';
export { toAppInstallation, type AppInstallation } from './app-installation-shape.ts';
