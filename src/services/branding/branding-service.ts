/**
 * A creator's custom branding (Pro and up): an accent colour and a logo, stored in
 * `creator_branding` with the logo's bytes in the media storage. Saving is all or nothing: a
 * form with any bad field changes nothing. Branding shows (pages, students' emails, the logo and
 * stylesheet routes) only while the creator's tier has `custom_branding`; below it the row and
 * the logo are kept, hidden, and show again on an upgrade.
 */
import { randomBytes } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import type { MediaStorage } from '../../infra/storage/media-storage.ts';
import { hasFeature, type Tier } from '../../domain/tier-table.ts';
import { ForbiddenError } from '../../domain/app-errors.ts';
import { textColorOn } from '../../domain/accent-color.ts';
import type { LogoType } from './logo-image.ts';
import { checkBrandingInput, type BrandingErrors, type BrandingInput } from './branding-input.ts';
import { accentStylesheetPath, logoPath } from './branding-paths.ts';

export interface BrandedCreator {
  id: number;
  tier: Tier;
  whopCompanyId: string;
  companyName: string | null;
}

export interface StoredBranding {
  accentColor: string | null;
  logo: { key: string; contentType: LogoType; bytes: number } | null;
  /** Milliseconds of the last save: the version in the asset URLs. */
  version: number;
}

/** What a page shows: the accent as a stylesheet of this origin, the logo as a path of this app. */
export interface ShownBranding {
  name: string;
  accentColor: string | null;
  textColor: string | null;
  logoPath: string | null;
  stylesheetPath: string | null;
}

/** What a student's email carries (absolute URL: mail clients load it from outside). */
export interface EmailBranding {
  name: string;
  logoUrl?: string;
  accentColor?: string;
}

export type SaveResult = { ok: true } | { ok: false; errors: BrandingErrors };

interface BrandingRow {
  accent_color: string | null;
  logo_key: string | null;
  logo_content_type: LogoType | null;
  logo_bytes: number | null;
  updated_at: Date;
}

const COLUMNS = 'b.accent_color, b.logo_key, b.logo_content_type, b.logo_bytes, b.updated_at';
export const LOCKED_MESSAGE = 'Custom branding comes with the Pro plan and above.';

function stored(row: BrandingRow | undefined): StoredBranding | null {
  if (!row) return null;
  const logo =
    row.logo_key && row.logo_content_type && row.logo_bytes
      ? { key: row.logo_key, contentType: row.logo_content_type, bytes: row.logo_bytes }
      : null;
  return { accentColor: row.accent_color, logo, version: row.updated_at.getTime() };
}

export function canShowBranding(tier: Tier): boolean {
  return hasFeature(tier, 'custom_branding');
}

export function createBrandingService(deps: {
  sequelize: Sequelize;
  storage: MediaStorage;
  appUrl: string;
  logger: Logger;
  newLogoKey?: () => string;
}) {
  const { sequelize, storage, logger } = deps;
  const newLogoKey = deps.newLogoKey ?? (() => `logo_${randomBytes(16).toString('hex')}`);

  async function settings(creatorId: number, transaction?: Transaction): Promise<StoredBranding | null> {
    const [row] = await sequelize.query<BrandingRow>(
      `SELECT ${COLUMNS} FROM creator_branding b WHERE b.creator_id = $1`,
      { bind: [creatorId], type: QueryTypes.SELECT, transaction },
    );
    return stored(row);
  }

  /** The branding of the creator of `whopCompanyId` while their tier shows it; null otherwise. */
  async function shownByCompany(whopCompanyId: string): Promise<StoredBranding | null> {
    const [row] = await sequelize.query<BrandingRow & { tier: Tier }>(
      `SELECT ${COLUMNS}, c.tier FROM creator_branding b JOIN creators c ON c.id = b.creator_id
        WHERE c.whop_company_id = $1`,
      { bind: [whopCompanyId], type: QueryTypes.SELECT },
    );
    return row && canShowBranding(row.tier) ? stored(row) : null;
  }

  async function removeQuietly(key: string, why: string): Promise<void> {
    // Left behind, the object is unreferenced: the storage sweeper removes it later.
    await storage.remove(key).catch((error: unknown) => logger.warn({ err: error, key }, why));
  }

  /** Writes the row; resolves to the logo key it replaced (to remove after the commit). */
  async function write(
    creatorId: number,
    values: { accentColor: string | null; logo: { key: string; contentType: LogoType; bytes: number } | null | 'keep' },
  ): Promise<string | null> {
    return sequelize.transaction(async (transaction) => {
      const [old] = await sequelize.query<{ logo_key: string | null }>(
        'SELECT logo_key FROM creator_branding WHERE creator_id = $1 FOR UPDATE',
        { bind: [creatorId], type: QueryTypes.SELECT, transaction },
      );
      const keep = values.logo === 'keep';
      const logo = values.logo === 'keep' ? null : values.logo;
      await sequelize.query(
        `INSERT INTO creator_branding (creator_id, accent_color, logo_key, logo_content_type, logo_bytes, updated_at)
         VALUES ($1, $2, $3, $4, $5, clock_timestamp())
         ON CONFLICT (creator_id) DO UPDATE SET
           accent_color = EXCLUDED.accent_color,
           logo_key = CASE WHEN $6 THEN creator_branding.logo_key ELSE EXCLUDED.logo_key END,
           logo_content_type = CASE WHEN $6 THEN creator_branding.logo_content_type ELSE EXCLUDED.logo_content_type END,
           logo_bytes = CASE WHEN $6 THEN creator_branding.logo_bytes ELSE EXCLUDED.logo_bytes END,
           updated_at = clock_timestamp()`,
        {
          bind: [
            creatorId,
            values.accentColor,
            logo?.key ?? null,
            logo?.contentType ?? null,
            logo?.bytes ?? null,
            keep,
          ],
          transaction,
        },
      );
      const replaced = old?.logo_key ?? null;
      return keep || replaced === logo?.key ? null : replaced;
    });
  }

  function requireEntitled(creator: BrandedCreator): void {
    if (!canShowBranding(creator.tier)) throw new ForbiddenError(LOCKED_MESSAGE);
  }

  return {
    settings,

    /** Saves colour and (when a file came) logo together, or nothing when any field is wrong. */
    async save(creator: BrandedCreator, input: BrandingInput): Promise<SaveResult> {
      requireEntitled(creator);
      const checked = checkBrandingInput(input);
      if (!checked.ok) return checked;
      let logo: { key: string; contentType: LogoType; bytes: number } | 'keep' = 'keep';
      if (checked.logo) {
        const key = newLogoKey();
        await storage.put(key, checked.logo.bytes, checked.logo.contentType);
        logo = { key, contentType: checked.logo.contentType, bytes: checked.logo.bytes.length };
      }
      let replaced: string | null;
      try {
        replaced = await write(creator.id, { accentColor: checked.accentColor, logo });
      } catch (error) {
        if (logo !== 'keep') await removeQuietly(logo.key, 'could not remove a logo whose row was not written');
        throw error;
      }
      if (replaced) await removeQuietly(replaced, 'could not remove a replaced logo');
      logger.info(
        { creatorId: creator.id, logo: logo !== 'keep', accent: checked.accentColor !== null },
        'branding saved',
      );
      return { ok: true };
    },

    async removeLogo(creator: BrandedCreator): Promise<void> {
      requireEntitled(creator);
      const current = await settings(creator.id);
      if (!current?.logo) return;
      const replaced = await write(creator.id, { accentColor: current.accentColor, logo: null });
      if (replaced) await removeQuietly(replaced, 'could not remove a deleted logo');
    },

    /** For the creator's course and video pages; null below Pro or when nothing is set. */
    async shownFor(creator: BrandedCreator): Promise<ShownBranding | null> {
      if (!canShowBranding(creator.tier)) return null;
      const branding = await settings(creator.id);
      if (!branding || (!branding.accentColor && !branding.logo)) return null;
      return {
        name: creator.companyName ?? creator.whopCompanyId,
        accentColor: branding.accentColor,
        textColor: branding.accentColor ? textColorOn(branding.accentColor) : null,
        logoPath: branding.logo ? logoPath(creator.whopCompanyId, branding.version) : null,
        stylesheetPath: branding.accentColor ? accentStylesheetPath(creator.whopCompanyId, branding.version) : null,
      };
    },

    /** The logo's bytes and type, while it shows; null otherwise. */
    async logo(whopCompanyId: string): Promise<{ bytes: Buffer; contentType: LogoType } | null> {
      const branding = await shownByCompany(whopCompanyId);
      if (!branding?.logo) return null;
      const bytes = await storage.read(branding.logo.key, 0, branding.logo.bytes);
      return bytes.length === 0 ? null : { bytes, contentType: branding.logo.contentType };
    },

    /** The accent stylesheet, while it shows; null otherwise. Only a checked `#rrggbb` reaches it. */
    async accentStylesheet(whopCompanyId: string): Promise<string | null> {
      const branding = await shownByCompany(whopCompanyId);
      if (!branding?.accentColor) return null;
      return (
        `:root { --brand-accent: ${branding.accentColor}; --brand-on-accent: ` +
        `${textColorOn(branding.accentColor)}; }\n`
      );
    },

    /**
     * The `branding` of a student's email from this creator, or undefined (below Pro, nothing
     * set): spread into the payload, so mails without it stay as they were.
     */
    async forEmail(creatorId: number, transaction?: Transaction): Promise<{ branding?: EmailBranding }> {
      const [row] = await sequelize.query<
        BrandingRow & { tier: Tier; whop_company_id: string; company_name: string | null }
      >(
        `SELECT ${COLUMNS}, c.tier, c.whop_company_id, c.company_name
           FROM creator_branding b JOIN creators c ON c.id = b.creator_id WHERE b.creator_id = $1`,
        { bind: [creatorId], type: QueryTypes.SELECT, transaction },
      );
      const branding = stored(row);
      if (!row || !branding || !canShowBranding(row.tier) || (!branding.logo && !branding.accentColor)) return {};
      const appUrl = deps.appUrl.replace(/\/+$/, '');
      return {
        branding: {
          name: row.company_name ?? row.whop_company_id,
          ...(branding.logo ? { logoUrl: `${appUrl}${logoPath(row.whop_company_id, branding.version)}` } : {}),
          ...(branding.accentColor ? { accentColor: branding.accentColor } : {}),
        },
      };
    },
  };
}

export type BrandingService = ReturnType<typeof createBrandingService>;
