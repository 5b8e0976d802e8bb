/**
 * A creator's company and Chronos's place in it: onboarding (picking a company, importing its
 * students), the Whop experiences Chronos records, and the Whop App surface inside whop.com.
 */
import { buildWhopAppServices } from '../whop-app/whop-app-services.ts';
import { createExperienceRecords } from '../whop-app/experience-records.ts';
import { createOnboardingService } from '../onboarding-service.ts';
import type { CompositionInputs } from './composition-inputs.ts';
import type { WhopAuthServices } from './whop-auth-services.ts';
import type { BillingServices } from './billing-services.ts';

export function buildInstallationServices(
  { infra, now }: CompositionInputs,
  { whop, roles, creatorAccess, installUrl }: Pick<WhopAuthServices, 'whop' | 'roles' | 'creatorAccess' | 'installUrl'>,
  { tiers, reconciliation }: Pick<BillingServices, 'tiers' | 'reconciliation'>,
) {
  const { config, logger, models, cache } = infra;
  const experienceRecords = createExperienceRecords({
    sequelize: infra.sequelize,
    models,
    whop,
    appId: config.whop.appId,
    logger,
    now,
  });
  const onboarding = createOnboardingService({
    models,
    whop,
    tiers,
    reconciliation,
    access: creatorAccess,
    experiences: experienceRecords,
    chronosCompanyId: config.whop.companyId,
    installUrl,
    logger,
  });
  const whopApp = buildWhopAppServices({ config, logger, models, whop, cache, roles, records: experienceRecords, now });
  return { onboarding, ...whopApp };
}

export type InstallationServices = ReturnType<typeof buildInstallationServices>;
