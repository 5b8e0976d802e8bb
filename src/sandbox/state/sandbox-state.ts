/**
 * The sandbox's in-memory store: users, companies, products, plans, memberships and
 * payments, kept in insertion order. It knows nothing of HTTP or webhooks; services
 * apply the rules and call the mutators here. Listeners hear about every change
 * (persistence uses that to save).
 */
import type { UserDirectory } from '../sandbox-contracts.ts';
import type {
  CompanyRecord,
  MembershipRecord,
  PaymentRecord,
  PlanRecord,
  ProductRecord,
  SandboxData,
  UserRecord,
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

  private load(data: SandboxData): void {
    this.users = byId(data.users);
    this.companies = byId(data.companies);
    this.products = byId(data.products);
    this.plans = byId(data.plans);
    this.memberships = byId(data.memberships);
    this.payments = byId(data.payments);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
