/**
 * Wires the services from the infrastructure: the one place that knows who uses what. Each
 * area's builder (composition/) wires its own services; this file hands each builder what the
 * earlier ones built and gathers everything into `Services`.
 */
import type { CompositionInputs, ServiceInfra, ServiceOverrides } from './composition/composition-inputs.ts';
import { buildWhopAuthServices } from './composition/whop-auth-services.ts';
import { buildBillingServices } from './composition/billing-services.ts';
import { buildInstallationServices } from './composition/installation-services.ts';
import { buildCourseVideoServices } from './composition/course-video-services.ts';
import { buildDeliveryServices } from './composition/delivery-services.ts';
import { buildReportingServices } from './composition/reporting-services.ts';
import { createReadinessService } from './readiness-service.ts';

// What buildServices takes, for the composition root and the tests that pass overrides.
export type { ServiceInfra, ServiceOverrides } from './composition/composition-inputs.ts';

export function buildServices(infra: ServiceInfra, overrides: ServiceOverrides = {}) {
  const inputs: CompositionInputs = { infra, overrides, now: overrides.now ?? Date.now };
  const whopAuth = buildWhopAuthServices(inputs);
  const billing = buildBillingServices(inputs, whopAuth);
  // Before the course pages' media URLs: the Whop App's builder names a missing SESSION_SECRET.
  const installation = buildInstallationServices(inputs, whopAuth, billing);
  const courseVideo = buildCourseVideoServices(inputs, whopAuth, billing);
  const deliveries = buildDeliveryServices(inputs, { ...billing, ...installation, branding: courseVideo.branding });
  return {
    ...whopAuth,
    ...billing,
    ...installation,
    ...courseVideo,
    ...deliveries,
    ...buildReportingServices(inputs),
    readiness: createReadinessService({ sequelize: infra.sequelize, redis: infra.redis }),
    /** Enterprise's priority-support contact (`SUPPORT_EMAIL`); undefined: not shown, not promised. */
    supportEmail: infra.config.supportEmail,
    /** Chronos's clock (ms), for pages that say how long something has taken. */
    now: inputs.now,
    locks: infra.locks,
    cache: infra.cache,
  };
}

export type Services = ReturnType<typeof buildServices>;
