/**
 * `app_installation.created`: a company installed Chronos (Whop sends it to the app's webhook
 * with `webhook_receive:app_installations`). The installation names the company but no
 * experience, so the handler asks Whop for the company's experiences of the app
 * (`GET /experiences?company_id&app_id`) and records them: the one handler that needs a
 * Whop call. Whop failing is a retried failure of the event (the inbox's backoff); an
 * installation of another app is ignored. The records never move an experience between
 * companies (experience-records.ts).
 */
import type { ExperienceRecords } from '../whop-app/experience-records.ts';
import { toAppInstallation } from '../whop/whop-shapes/index.ts';
import type { HandledEnvelope } from './event-types.ts';
import { ignored, processed, type EventResult } from './event-results.ts';
import { readData } from './shape-errors.ts';

export function createAppInstallationEventHandler(deps: {
  experiences: Pick<ExperienceRecords, 'recordCompany'>;
  appId: string;
}) {
  return {
    async handle(envelope: HandledEnvelope): Promise<EventResult> {
      if (envelope.type !== 'app_installation.created') return ignored(`Chronos does not act on ${envelope.type}`);
      const installation = readData('app installation', () => toAppInstallation(envelope.data));
      if (installation.appId && installation.appId !== deps.appId)
        return ignored(`an installation of another app (${installation.appId})`);
      const result = await deps.experiences.recordCompany(installation.companyId, 'webhook');
      return processed(
        `installed on ${installation.companyId}: ${result.recorded} experience(s) recorded, ${result.refused} refused`,
      );
    },
  };
}
