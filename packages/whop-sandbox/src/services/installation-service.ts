/**
 * Installation of the registered app per company (Whop: to read a company's data the app
 * must be installed on it). The app's own company is always reachable. API-key calls about
 * any other company answer 403 until an admin of that company installs the app.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../sandbox-errors.ts';
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import { serializeAppInstallation } from '../serializers/app-installation-serializer.ts';
import type { CompanyRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';
import type { EventPublisher } from '../webhooks/webhook-event.ts';

/**
 * Installing sends the app's webhooks `app_installation.created`, removing it
 * `app_installation.deleted` (sent before the installation goes, so the app webhook still
 * takes it), as Whop does for apps with `webhook_receive:app_installations`.
 */
export class InstallationService {
  private readonly ownCompanyId: string;

  constructor(
    private readonly state: SandboxState,
    private readonly app: SandboxAppRegistration,
    private readonly events?: EventPublisher,
  ) {
    this.ownCompanyId = app.companyId;
  }

  /** Whether the app's API key may read this company's data. */
  isReachable(companyId: string): boolean {
    return companyId === this.ownCompanyId || this.state.isInstalled(companyId);
  }

  /** Refuses a company the app cannot reach, with Whop's error shape (403). */
  assertReachable(companyId: string): void {
    if (this.isReachable(companyId)) return;
    throw new ForbiddenError(
      `The app is not installed on company ${companyId}. An admin of the company must install it first.`,
    );
  }

  /** An admin of the company installs the app on it. */
  install(companyId: string, userId: string): CompanyRecord {
    const company = this.company(companyId);
    if (company.id === this.ownCompanyId)
      throw new ValidationError(`${company.id} is the app's own company; it needs no installation.`);
    if (!company.admin_user_ids.includes(userId))
      throw new ForbiddenError(`${userId} is not an admin of ${company.id}, so cannot install apps on it.`);
    if (!this.state.isInstalled(company.id)) {
      this.state.install({ company_id: company.id, installed_by: userId, installed_at: new Date().toISOString() });
      this.announce('app_installation.created', company);
    }
    return company;
  }

  uninstall(companyId: string): CompanyRecord {
    const company = this.company(companyId);
    if (!this.state.isInstalled(company.id)) throw new ConflictError(`The app is not installed on ${company.id}.`);
    this.announce('app_installation.deleted', company);
    this.state.uninstall(company.id);
    return company;
  }

  private announce(type: string, company: CompanyRecord): void {
    const installation = this.state.listInstallations().find((i) => i.company_id === company.id);
    if (!this.events || !installation) return;
    const developer = this.state.getCompany(this.ownCompanyId);
    const data = serializeAppInstallation(installation, company, this.app, developer);
    this.events.publish(type, company.id, { kind: 'app_installation', data });
  }

  /** Every company but the app's own, with whether the app is installed there. */
  list(): Array<{
    company: CompanyRecord;
    installed: boolean;
    installed_by: string | null;
    installed_at: string | null;
  }> {
    const installations = new Map(this.state.listInstallations().map((i) => [i.company_id, i]));
    return this.state
      .listCompanies()
      .filter((c) => c.id !== this.ownCompanyId)
      .map((company) => {
        const installation = installations.get(company.id);
        return {
          company,
          installed: Boolean(installation),
          installed_by: installation?.installed_by ?? null,
          installed_at: installation?.installed_at ?? null,
        };
      });
  }

  private company(companyId: string): CompanyRecord {
    const company = this.state.getCompany(companyId);
    if (!company) throw new NotFoundError(`Company ${companyId} was not found.`);
    return company;
  }
}
