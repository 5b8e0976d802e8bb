/**
 * Personal access tokens of the creator API: created (shown once, stored as a SHA-256 hash),
 * listed, revoked, and checked on every API request. A token works only while its creator's
 * tier has `api_access`; a downgrade keeps the token, which works again after an upgrade.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { ConflictError, NotFoundError } from '../../domain/app-errors.ts';
import { hasFeature, tierDefinition, tierUnlocking, type Tier } from '../../domain/tier-table.ts';
import { API_SETTINGS_PATH } from '../../http/api-paths.ts';
import { ApiTokenError } from './api-token-errors.ts';
import { generateToken, isWellFormedToken, tokenHash } from './api-token-format.ts';

export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Active tokens a creator may hold at once. */
export const MAX_ACTIVE_TOKENS = 20;
/** `last_used_at` is written at most this often per token. */
export const LAST_USED_GRANULARITY_MS = 60_000;

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Who a request with a valid token acts for. */
export interface TokenHolder {
  token: ApiToken;
  creator: { id: number; whopCompanyId: string; name: string | null; tier: Tier };
}

interface TokenRow {
  id: number;
  name: string;
  token_prefix: string;
  scope: TokenScope;
  created_at: Date;
  last_used_at: Date | null;
}

function apiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scope: row.scope,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  };
}

const TOKEN_COLUMNS = 't.id, t.name, t.token_prefix, t.scope, t.created_at, t.last_used_at';

export function createApiTokenService(deps: { sequelize: Sequelize; now?: () => number }) {
  const { sequelize } = deps;
  const now = deps.now ?? Date.now;

  return {
    /** Makes a token; the returned `token` is the only copy of it there will ever be. */
    async create(
      creatorId: number,
      input: { name: string; scope: TokenScope },
    ): Promise<{ token: string; record: ApiToken }> {
      const made = generateToken();
      const rows = await sequelize.query<TokenRow>(
        `INSERT INTO api_tokens AS t (creator_id, name, token_prefix, token_hash, scope, created_at)
         SELECT :creatorId, :name, :prefix, :hash, :scope, :at
          WHERE (SELECT count(*) FROM api_tokens WHERE creator_id = :creatorId AND revoked_at IS NULL) < :max
         RETURNING ${TOKEN_COLUMNS}`,
        {
          replacements: {
            creatorId,
            name: input.name,
            prefix: made.prefix,
            hash: made.hash,
            scope: input.scope,
            at: new Date(now()),
            max: MAX_ACTIVE_TOKENS,
          },
          type: QueryTypes.SELECT,
        },
      );
      const row = rows[0];
      if (!row)
        throw new ConflictError(
          `You already have ${MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use, then create a new one.`,
        );
      return { token: made.token, record: apiToken(row) };
    },

    /** The creator's tokens that are not revoked, oldest first. */
    async list(creatorId: number): Promise<ApiToken[]> {
      const rows = await sequelize.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens t
          WHERE t.creator_id = :creatorId AND t.revoked_at IS NULL ORDER BY t.created_at, t.id`,
        { replacements: { creatorId }, type: QueryTypes.SELECT },
      );
      return rows.map(apiToken);
    },

    /** Revokes one of the creator's active tokens and returns its name; another creator's token is not found. */
    async revoke(creatorId: number, tokenId: number): Promise<{ name: string }> {
      const rows = await sequelize.query<{ name: string }>(
        `UPDATE api_tokens SET revoked_at = :at
          WHERE id = :tokenId AND creator_id = :creatorId AND revoked_at IS NULL RETURNING name`,
        { replacements: { creatorId, tokenId, at: new Date(now()) }, type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (!row) throw new NotFoundError('That token is not one of your active tokens.');
      return row;
    },

    /**
     * The holder of the token in an `Authorization` header's value, or an ApiTokenError that
     * says exactly what is wrong. The lookup is by the token's hash (a unique index), so no
     * comparison of the secret itself can leak through timing.
     */
    async authenticate(authorization: string | undefined): Promise<TokenHolder> {
      if (!authorization)
        throw new ApiTokenError(
          'missing_token',
          `Send an API token in the Authorization header: "Bearer chr_…". Create one on ${API_SETTINGS_PATH}.`,
        );
      const match = /^Bearer +(\S+) *$/i.exec(authorization);
      if (!match)
        throw new ApiTokenError(
          'malformed_token',
          'The Authorization header must be "Bearer " followed by a Chronos API token (chr_…).',
        );
      const presented = match[1]!;
      if (!isWellFormedToken(presented))
        throw new ApiTokenError(
          'malformed_token',
          'That is not a Chronos API token: tokens are "chr_" followed by 43 letters, digits, "-" or "_".',
        );
      const rows = await sequelize.query<
        TokenRow & {
          revoked_at: Date | null;
          creator_id: number;
          whop_company_id: string;
          company_name: string | null;
          tier: Tier;
        }
      >(
        `SELECT ${TOKEN_COLUMNS}, t.revoked_at, c.id AS creator_id, c.whop_company_id, c.company_name, c.tier
           FROM api_tokens t JOIN creators c ON c.id = t.creator_id
          WHERE t.token_hash = :hash`,
        { replacements: { hash: tokenHash(presented) }, type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (!row)
        throw new ApiTokenError(
          'invalid_token',
          `This token is not valid. Check that it was copied whole, or create a new one on ${API_SETTINGS_PATH}.`,
        );
      if (row.revoked_at)
        throw new ApiTokenError(
          'revoked_token',
          `This token was revoked on ${new Date(row.revoked_at).toISOString().slice(0, 10)}. Create a new one on ` +
            `${API_SETTINGS_PATH}.`,
        );
      if (!hasFeature(row.tier, 'api_access'))
        throw new ApiTokenError(
          'plan_required',
          `API access needs the ${tierDefinition(tierUnlocking('api_access')).name} plan; this creator is on ` +
            `${tierDefinition(row.tier).name}. The token is kept and works again after an upgrade.`,
        );
      return {
        token: apiToken(row),
        creator: { id: row.creator_id, whopCompanyId: row.whop_company_id, name: row.company_name, tier: row.tier },
      };
    },

    /**
     * Notes that the token was used now, at most once a minute: nothing is written when the
     * stored time is recent, and the statement itself re-checks so concurrent requests write once.
     */
    async markUsed(token: Pick<ApiToken, 'id' | 'lastUsedAt'>): Promise<void> {
      const at = now();
      if (token.lastUsedAt && at - token.lastUsedAt.getTime() < LAST_USED_GRANULARITY_MS) return;
      await sequelize.query(
        `UPDATE api_tokens SET last_used_at = :at
          WHERE id = :id AND (last_used_at IS NULL OR last_used_at <= :at::timestamptz - interval '1 minute')`,
        { replacements: { id: token.id, at: new Date(at) } },
      );
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
