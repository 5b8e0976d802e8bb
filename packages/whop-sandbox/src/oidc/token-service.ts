/**
 * The rules of the token endpoint: code exchange with PKCE, refresh with rotation and
 * replay detection, revocation, and resolving access tokens for the REST API.
 */
import type { Logger } from 'pino';
import type { AccessTokenInfo, SandboxUser, UserDirectory } from '../sandbox-contracts.ts';
import type { AuthorizationCodeStore } from './authorization-code-store.ts';
import type { IdTokenSigner } from './id-token-signer.ts';
import { OAuthError } from './oidc-errors.ts';
import { isScopeSubset, parseScope, userClaims } from './scope-claims.ts';
import { safeEqual, sha256Base64Url } from './token-crypto.ts';
import type { TokenFamily, TokenStore } from './token-store.ts';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  id_token: string;
  scope: string;
}

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

export interface TokenServiceDeps {
  tokens: TokenStore;
  codes: AuthorizationCodeStore;
  users: UserDirectory;
  idTokens: IdTokenSigner;
  accessTokenTtlSeconds: number;
  logger: Logger;
}

export class TokenService {
  readonly #deps: TokenServiceDeps;

  constructor(deps: TokenServiceDeps) {
    this.#deps = deps;
  }

  async exchangeCode(clientId: string, exchange: CodeExchange): Promise<TokenResponse> {
    const { codes, tokens, logger } = this.#deps;
    const redemption = codes.redeem(exchange.code);
    if (redemption.status === 'replayed') {
      if (redemption.familyId !== undefined) tokens.revokeFamily(redemption.familyId);
      logger.warn({ clientId }, 'authorization code replayed; tokens issued from it were revoked');
      throw new OAuthError('invalid_grant', 'the authorization code was already used');
    }
    if (redemption.status === 'expired') throw new OAuthError('invalid_grant', 'the authorization code has expired');
    if (redemption.status === 'unknown') throw new OAuthError('invalid_grant', 'the authorization code is not valid');

    const { grant } = redemption;
    if (grant.clientId !== clientId) throw new OAuthError('invalid_grant', 'the code was issued to another client');
    if (grant.redirectUri !== exchange.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    }
    if (!safeEqual(sha256Base64Url(exchange.codeVerifier), grant.codeChallenge)) {
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
    }
    const user = this.#requireUser(grant.userId);

    const family = tokens.createFamily({
      userId: user.id,
      clientId,
      scope: grant.scope,
      authTime: grant.authTime,
    });
    redemption.linkFamily(family.id);
    logger.info({ clientId, userId: user.id }, 'authorization code exchanged');
    return this.#issue(family, grant.scope, grant.nonce);
  }

  async refresh(clientId: string, refreshToken: string, requestedScope: string | undefined): Promise<TokenResponse> {
    const { tokens, logger } = this.#deps;
    const record = tokens.findRefreshToken(refreshToken);
    if (!record || record.family.clientId !== clientId) {
      throw new OAuthError('invalid_grant', 'the refresh token is not valid');
    }
    if (record.rotated) {
      tokens.revokeFamily(record.family.id);
      logger.warn({ clientId, userId: record.family.userId }, 'rotated refresh token replayed; token family revoked');
      throw new OAuthError('invalid_grant', 'the refresh token was already used');
    }
    const scope = this.#narrowScope(requestedScope, record.scope);
    this.#requireUser(record.family.userId);
    record.rotated = true;
    return this.#issue(record.family, scope, undefined);
  }

  /** RFC 7009: a refresh token takes its whole family along; unknown tokens are ignored. */
  revoke(clientId: string, token: string): void {
    const { tokens } = this.#deps;
    const refresh = tokens.findRefreshToken(token);
    if (refresh) {
      if (refresh.family.clientId === clientId) tokens.revokeFamily(refresh.family.id);
      return;
    }
    const access = tokens.findAccessToken(token);
    if (access && access.family.clientId === clientId) tokens.revokeAccessToken(token);
  }

  resolveAccessToken(token: string): AccessTokenInfo | undefined {
    const record = this.#deps.tokens.findAccessToken(token);
    if (!record) return undefined;
    return {
      userId: record.family.userId,
      clientId: record.family.clientId,
      scope: record.scope,
      expiresAt: record.expiresAt,
    };
  }

  revokeAllForUser(userId: string): void {
    this.#deps.tokens.revokeUser(userId);
    this.#deps.codes.forgetUser(userId);
  }

  async #issue(family: TokenFamily, scope: string, nonce: string | undefined): Promise<TokenResponse> {
    const { tokens, idTokens, accessTokenTtlSeconds } = this.#deps;
    const user = this.#requireUser(family.userId);
    const access = tokens.issueAccessToken(family, scope, accessTokenTtlSeconds * 1000);
    const refreshToken = tokens.issueRefreshToken(family, scope);
    const idToken = await idTokens.sign({
      userId: user.id,
      clientId: family.clientId,
      authTime: family.authTime,
      nonce,
      claims: userClaims(user, scope),
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: accessTokenTtlSeconds,
      refresh_token: refreshToken,
      id_token: idToken,
      scope,
    };
  }

  #narrowScope(requested: string | undefined, granted: string): string {
    if (requested === undefined) return granted;
    const parsed = parseScope(requested);
    if (!parsed.ok) throw new OAuthError('invalid_scope', parsed.problem);
    if (!isScopeSubset(parsed.scope, granted)) {
      throw new OAuthError('invalid_scope', 'scope exceeds what was originally granted');
    }
    return parsed.scope;
  }

  #requireUser(userId: string): SandboxUser {
    const user = this.#deps.users.getUser(userId);
    if (!user) throw new OAuthError('invalid_grant', 'the user of this grant no longer exists');
    return user;
  }
}
