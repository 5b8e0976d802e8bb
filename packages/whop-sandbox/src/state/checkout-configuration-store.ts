/**
 * Checkout configurations made through `POST /api/v1/checkout_configurations`: the plan they
 * sell, the metadata Whop copies to the membership, and where the buyer goes after paying.
 * Kept in memory (not in the saved state): a checkout link outlives a restart on Whop, but a
 * sandbox restart starts a fresh app session too. Cleared by reset.
 */
import { newId } from './id-generator.ts';

export interface CheckoutConfigurationRecord {
  id: string; // ch_…
  company_id: string;
  plan_id: string;
  metadata: Record<string, unknown>;
  redirect_url: string | null;
  affiliate_code: string | null;
  created_at: string;
  updated_at: string;
}

export type NewCheckoutConfiguration = Pick<
  CheckoutConfigurationRecord,
  'company_id' | 'plan_id' | 'metadata' | 'redirect_url' | 'affiliate_code'
>;

export class CheckoutConfigurationStore {
  private readonly records = new Map<string, CheckoutConfigurationRecord>();

  constructor(private readonly maxRecords = 1000) {}

  add(input: NewCheckoutConfiguration): CheckoutConfigurationRecord {
    const now = new Date().toISOString();
    const record: CheckoutConfigurationRecord = { id: newId('ch', 15), ...input, created_at: now, updated_at: now };
    this.records.set(record.id, record);
    // Oldest first out, so a long session of tests cannot grow the map without bound.
    if (this.records.size > this.maxRecords) this.records.delete(this.records.keys().next().value as string);
    return record;
  }

  get(id: string): CheckoutConfigurationRecord | undefined {
    return this.records.get(id);
  }

  delete(id: string): boolean {
    return this.records.delete(id);
  }

  clear(): void {
    this.records.clear();
  }
}
