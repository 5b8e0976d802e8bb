/**
 * The sandbox's in-memory store: users, companies, products, plans, memberships and
 * payments, kept in insertion order. It knows nothing of HTTP or webhooks; services
 * apply the rules and call the mutators here. Listeners hear about every change
 * (persistence uses that to save).
 */
import type { UserDirectory } from '../sandbox-contracts.ts';
import type {
  CompanyRecord,
  DisputeRecord,
  InstallationRecord,
  InvoiceRecord,
  MembershipRecord,
  PaymentRecord,
  PlanRecord,
  ProductRecord,
  RefundRecord,
  SandboxData,
  UserRecord,
  WebhookRecord,
} from './sandbox-records.ts';

type ChangeListener = () => void;

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, structuredClone(item)]));
}

export class SandboxState implements UserDirectory {
  private users = new Map<string, UserRecord>();
  private companies = new Map<string, CompanyRecord>();
  private products = new Map<string, ProductRecord>();
  private plans = new Map<string, PlanRecord>();
  private memberships = new Map<string, MembershipRecord>();
  private payments = new Map<string, PaymentRecord>();
  private installations = new Map<string, InstallationRecord>();
  private webhooks = new Map<string, WebhookRecord>();
  private refunds = new Map<string, RefundRecord>();
  private disputes = new Map<string, DisputeRecord>();
  private invoices = new Map<string, InvoiceRecord>();
  private readonly listeners = new Set<ChangeListener>();

  constructor(data: SandboxData) {
    this.load(data);
  }

  /** Replaces everything (reset to seed, reload from disk). */
  replaceAll(data: SandboxData): void {
    this.load(data);
    this.changed();
  }

  snapshot(): SandboxData {
    return structuredClone({
      users: [...this.users.values()],
      companies: [...this.companies.values()],
      products: [...this.products.values()],
      plans: [...this.plans.values()],
      memberships: [...this.memberships.values()],
      payments: [...this.payments.values()],
      installations: [...this.installations.values()],
      webhooks: [...this.webhooks.values()],
      refunds: [...this.refunds.values()],
      disputes: [...this.disputes.values()],
      invoices: [...this.invoices.values()],
    });
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- users (UserDirectory)
  getUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }
  listUsers(): UserRecord[] {
    return [...this.users.values()];
  }
  findUserByUsername(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    return this.listUsers().find((u) => u.username.toLowerCase() === wanted);
  }
  insertUser(user: UserRecord): UserRecord {
    this.users.set(user.id, user);
    this.changed();
    return user;
  }
  /** Deletes the account; its memberships and payments stay and show `user: null`. */
  deleteUser(id: string): boolean {
    const deleted = this.users.delete(id);
    if (deleted) {
      for (const company of this.companies.values())
        company.admin_user_ids = company.admin_user_ids.filter((u) => u !== id);
      this.changed();
    }
    return deleted;
  }

  // ---- companies
  getCompany(id: string): CompanyRecord | undefined {
    return this.companies.get(id);
  }
  listCompanies(): CompanyRecord[] {
    return [...this.companies.values()];
  }
  companiesAdministeredBy(userId: string): CompanyRecord[] {
    return this.listCompanies().filter((c) => c.admin_user_ids.includes(userId));
  }

  // ---- products and plans
  getProduct(id: string): ProductRecord | undefined {
    return this.products.get(id);
  }
  listProducts(): ProductRecord[] {
    return [...this.products.values()];
  }
  insertProduct(product: ProductRecord): ProductRecord {
    this.products.set(product.id, product);
    this.changed();
    return product;
  }
  getPlan(id: string): PlanRecord | undefined {
    return this.plans.get(id);
  }
  listPlans(): PlanRecord[] {
    return [...this.plans.values()];
  }
  plansOfProduct(productId: string): PlanRecord[] {
    return this.listPlans().filter((p) => p.product_id === productId);
  }
  insertPlan(plan: PlanRecord): PlanRecord {
    this.plans.set(plan.id, plan);
    this.changed();
    return plan;
  }

  // ---- memberships
  getMembership(id: string): MembershipRecord | undefined {
    return this.memberships.get(id);
  }
  listMemberships(): MembershipRecord[] {
    return [...this.memberships.values()];
  }
  /** The user's most recent membership of a product, if any. */
  findMembership(userId: string, productId: string): MembershipRecord | undefined {
    return this.listMemberships()
      .filter((m) => m.user_id === userId && m.product_id === productId)
      .at(-1);
  }
  insertMembership(membership: MembershipRecord): MembershipRecord {
    this.memberships.set(membership.id, membership);
    this.changed();
    return membership;
  }
  updateMembership(id: string, patch: Partial<Omit<MembershipRecord, 'id'>>): MembershipRecord {
    const current = this.memberships.get(id);
    if (!current) throw new Error(`unknown membership ${id}`);
    const next = { ...current, ...patch };
    this.memberships.set(id, next);
    this.changed();
    return next;
  }

  // ---- payments
  getPayment(id: string): PaymentRecord | undefined {
    return this.payments.get(id);
  }
  listPayments(): PaymentRecord[] {
    return [...this.payments.values()];
  }
  insertPayment(payment: PaymentRecord): PaymentRecord {
    this.payments.set(payment.id, payment);
    this.changed();
    return payment;
  }
  updatePayment(id: string, patch: Partial<Omit<PaymentRecord, 'id'>>): PaymentRecord {
    const current = this.payments.get(id);
    if (!current) throw new Error(`unknown payment ${id}`);
    const next = { ...current, ...patch };
    this.payments.set(id, next);
    this.changed();
    return next;
  }

  // ---- app installations
  isInstalled(companyId: string): boolean {
    return this.installations.has(companyId);
  }
  listInstallations(): InstallationRecord[] {
    return [...this.installations.values()];
  }
  install(record: InstallationRecord): void {
    this.installations.set(record.company_id, record);
    this.changed();
  }
  uninstall(companyId: string): boolean {
    const removed = this.installations.delete(companyId);
    if (removed) this.changed();
    return removed;
  }

  // ---- webhooks
  getWebhook(id: string): WebhookRecord | undefined {
    return this.webhooks.get(id);
  }
  listWebhooks(): WebhookRecord[] {
    return [...this.webhooks.values()];
  }
  updateWebhook(id: string, patch: Partial<Omit<WebhookRecord, 'id'>>): WebhookRecord {
    const current = this.webhooks.get(id);
    if (!current) throw new Error(`unknown webhook ${id}`);
    const next = { ...current, ...patch };
    this.webhooks.set(id, next);
    this.changed();
    return next;
  }

  // ---- refunds, disputes, invoices
  getRefund(id: string): RefundRecord | undefined {
    return this.refunds.get(id);
  }
  refundsOfPayment(paymentId: string): RefundRecord[] {
    return [...this.refunds.values()].filter((r) => r.payment_id === paymentId);
  }
  saveRefund(refund: RefundRecord): RefundRecord {
    this.refunds.set(refund.id, refund);
    this.changed();
    return refund;
  }
  getDispute(id: string): DisputeRecord | undefined {
    return this.disputes.get(id);
  }
  disputesOfPayment(paymentId: string): DisputeRecord[] {
    return [...this.disputes.values()].filter((d) => d.payment_id === paymentId);
  }
  saveDispute(dispute: DisputeRecord): DisputeRecord {
    this.disputes.set(dispute.id, dispute);
    this.changed();
    return dispute;
  }
  getInvoice(id: string): InvoiceRecord | undefined {
    return this.invoices.get(id);
  }
  invoicesOfMembership(membershipId: string): InvoiceRecord[] {
    return [...this.invoices.values()].filter((i) => i.membership_id === membershipId);
  }
  saveInvoice(invoice: InvoiceRecord): InvoiceRecord {
    this.invoices.set(invoice.id, invoice);
    this.changed();
    return invoice;
  }

  private load(data: SandboxData): void {
    this.users = byId(data.users);
    this.companies = byId(data.companies);
    this.products = byId(data.products);
    this.plans = byId(data.plans);
    this.memberships = byId(data.memberships);
    this.payments = byId(data.payments);
    this.installations = new Map(data.installations.map((i) => [i.company_id, structuredClone(i)]));
    this.webhooks = byId(data.webhooks);
    this.refunds = byId(data.refunds);
    this.disputes = byId(data.disputes);
    this.invoices = byId(data.invoices);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
