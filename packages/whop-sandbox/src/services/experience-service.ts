/**
 * The app's experiences. On Whop, installing an app on a company creates an experience of it
 * (`exp_…`, one sidebar entry members open). The sandbox keeps exactly one per installation,
 * with an id derived from the company (`biz_creator2` → `exp_creator2`), so scripts and
 * tests can name it; it disappears with the installation.
 */
import type { CompanyRecord, ProductRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';

export interface ExperienceRecord {
  id: string;
  company: CompanyRecord;
  products: ProductRecord[];
  created_at: string;
}

export function experienceIdFor(companyId: string): string {
  return `exp_${companyId.replace(/^biz_/, '')}`;
}

export class ExperienceService {
  constructor(private readonly state: SandboxState) {}

  /** The experience of an installed company, if `id` names one. */
  find(id: string): ExperienceRecord | undefined {
    const installation = this.state.listInstallations().find((i) => experienceIdFor(i.company_id) === id);
    return installation ? this.of(installation.company_id, installation.installed_at) : undefined;
  }

  /** The app's experiences on a company: the one its installation created, or none. */
  listForCompany(companyId: string): ExperienceRecord[] {
    const installation = this.state.listInstallations().find((i) => i.company_id === companyId);
    const experience = installation ? this.of(installation.company_id, installation.installed_at) : undefined;
    return experience ? [experience] : [];
  }

  private of(companyId: string, installedAt: string): ExperienceRecord | undefined {
    const company = this.state.getCompany(companyId);
    if (!company) return undefined;
    return {
      id: experienceIdFor(companyId),
      company,
      products: this.state.listProducts().filter((p) => p.company_id === company.id),
      created_at: installedAt,
    };
  }
}
