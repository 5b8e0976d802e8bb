/**
 * What an API key may read: its own company, and the companies that installed the app
 * (403 in Whop's error shape for any other). User access tokens act as their user and are
 * not limited by installations (their own rules live in each controller).
 */
import type { Response } from 'express';
import type { InstallationService } from '../services/installation-service.ts';
import { credentialOf } from './api-credential.ts';

export interface CompanyScope {
  /** Throws 403 when an API-key call is about a company the app cannot reach. */
  assert(res: Response, companyId: string): void;
  /** Whether the API key (or a user token: always) may see this company's records. */
  allows(res: Response, companyId: string): boolean;
}

export function createCompanyScope(installations: InstallationService): CompanyScope {
  return {
    assert(res, companyId) {
      if (credentialOf(res).kind === 'app') installations.assertReachable(companyId);
    },
    allows(res, companyId) {
      return credentialOf(res).kind !== 'app' || installations.isReachable(companyId);
    },
  };
}
