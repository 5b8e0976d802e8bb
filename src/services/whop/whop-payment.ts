/**
 * Payments as the rest of Chronos knows them; the reading of Whop's shapes lives in
 * `whop-shapes/` (the one translation point).
 */
export { toPayment as parseWhopPayment, type Payment as WhopPayment } from './whop-shapes/index.ts';
