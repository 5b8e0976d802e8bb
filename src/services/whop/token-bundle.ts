/** The Whop tokens of one signed-in user, as kept (encrypted) in their session. */
export interface TokenBundle {
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

interface TokenResponseLike {
  access_token: string;
  refresh_token?: string | undefined;
  id_token?: string | undefined;
  expires_in?: number | undefined;
}

export function bundleFromTokenResponse(
  response: TokenResponseLike,
  now = Date.now(),
  previous?: TokenBundle,
): TokenBundle {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    idToken: response.id_token ?? previous?.idToken,
    expiresAt: now + (response.expires_in ?? 3600) * 1000,
  };
}
