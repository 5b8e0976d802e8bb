/**
 * The durable record of Chronos's Whop experiences and their companies (`whop_experiences`).
 * Whop publishes no experience in its install events, so Chronos learns a company's
 * experiences by asking Whop for the ones its app powers (`GET /experiences?company_id&app_id`)
 * when the company is connected (onboarding, reconnection, the install webhook), and an
 * unknown experience's company from `GET /experiences/{id}` the first time it is opened.
 *
 * An experience belongs to one company for good: an answer that names another company for an
 * experience already recorded is refused and logged (a confused or forged answer must never
 * re-point members of one creator at another creator's courses). The database refuses it too.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from 'pino';
import type { Models } from '../../models/init-models.ts';
import type { ExperienceSource } from '../../models/whop-experience-model.ts';
import type { WhopApiClient } from '../whop/whop-api-client.ts';

export interface RecordedExperience {
  id: string;
  companyId: string;
  companyTitle: string;
  name: string | null;
}

/** What Whop answered about one experience (the fields of its v1 `Experience` Chronos keeps). */
export interface ExperienceAnswer {
  id: string;
  name?: string | null;
  company: { id: string; title?: string | null };
}

export type RecordOutcome =
  | { kind: 'recorded'; experience: RecordedExperience }
  | { kind: 'refused'; recordedCompanyId: string }
  | { kind: 'malformed' };

export interface CompanyRecordResult {
  recorded: number;
  refused: number;
}

const EXPERIENCE_ID = /^exp_[A-Za-z0-9]{1,64}$/;
const COMPANY_ID = /^biz_[A-Za-z0-9_]{1,64}$/;
const MAX_TEXT = 300;

interface Row {
  experience_id: string;
  company_id: string;
  company_title: string;
  experience_name: string | null;
}

function fromRow(row: Row): RecordedExperience {
  return {
    id: row.experience_id,
    companyId: row.company_id,
    companyTitle: row.company_title,
    name: row.experience_name,
  };
}

function trimmed(value: string | null | undefined): string | null {
  const text = typeof value === 'string' ? value.trim().slice(0, MAX_TEXT) : '';
  return text === '' ? null : text;
}

export function createExperienceRecords(deps: {
  sequelize: Sequelize;
  models: Pick<Models, 'WhopExperience'>;
  whop: Pick<WhopApiClient, 'listAppExperiences'>;
  appId: string;
  logger: Logger;
  now: () => number;
}) {
  const { logger } = deps;

  async function find(experienceId: string): Promise<RecordedExperience | null> {
    if (!EXPERIENCE_ID.test(experienceId)) return null;
    const row = await deps.models.WhopExperience.findByPk(experienceId);
    return row
      ? { id: row.experienceId, companyId: row.companyId, companyTitle: row.companyTitle, name: row.experienceName }
      : null;
  }

  /**
   * Records Whop's answer about one experience, in one statement: a new experience is inserted;
   * a known one of the same company gets its title and name refreshed; a known one of another
   * company is left alone, and the answer refused.
   */
  async function record(answer: ExperienceAnswer, source: ExperienceSource): Promise<RecordOutcome> {
    const companyId = answer.company?.id;
    if (!EXPERIENCE_ID.test(answer.id ?? '') || typeof companyId !== 'string' || !COMPANY_ID.test(companyId)) {
      logger.warn({ experienceId: answer.id, companyId, source }, 'whop experience answer malformed; not recorded');
      return { kind: 'malformed' };
    }
    const at = new Date(deps.now());
    const rows = await deps.sequelize.query<Row>(
      `INSERT INTO whop_experiences AS e
         (experience_id, company_id, company_title, experience_name, source, recorded_at, updated_at)
       VALUES (:id, :companyId, :companyTitle, :name, :source, :at, :at)
       ON CONFLICT (experience_id) DO UPDATE
         SET company_title = EXCLUDED.company_title, experience_name = EXCLUDED.experience_name,
             updated_at = EXCLUDED.updated_at
         WHERE e.company_id = EXCLUDED.company_id
       RETURNING experience_id, company_id, company_title, experience_name`,
      {
        type: QueryTypes.SELECT,
        replacements: {
          id: answer.id,
          companyId,
          companyTitle: trimmed(answer.company.title) ?? companyId,
          name: trimmed(answer.name),
          source,
          at,
        },
      },
    );
    const row = rows[0];
    if (row) return { kind: 'recorded', experience: fromRow(row) };
    const existing = await find(answer.id);
    const recordedCompanyId = existing?.companyId ?? 'unknown';
    logger.warn(
      { experienceId: answer.id, recordedCompanyId, answeredCompanyId: companyId, source },
      'whop experience answer refused: the experience is recorded for another company',
    );
    return { kind: 'refused', recordedCompanyId };
  }

  return {
    find,
    record,

    /**
     * Records every experience of Chronos's app on `companyId`, as Whop lists them. An item
     * that names another company than the one asked about is refused, never recorded.
     */
    async recordCompany(companyId: string, source: ExperienceSource): Promise<CompanyRecordResult> {
      const listed = await deps.whop.listAppExperiences(companyId, deps.appId);
      const result: CompanyRecordResult = { recorded: 0, refused: 0 };
      for (const item of listed) {
        if (item.company?.id !== companyId) {
          logger.warn(
            { experienceId: item.id, askedCompanyId: companyId, answeredCompanyId: item.company?.id },
            'whop listed an experience of another company; not recorded',
          );
          result.refused += 1;
          continue;
        }
        const outcome = await record(item, source);
        if (outcome.kind === 'recorded') result.recorded += 1;
        else result.refused += 1;
      }
      logger.info({ companyId, source, ...result }, 'whop experiences recorded');
      return result;
    },
  };
}

export type ExperienceRecords = ReturnType<typeof createExperienceRecords>;
