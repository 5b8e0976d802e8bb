/**
 * A process could not reach PostgreSQL or Redis at start (refused, TLS refused, a certificate
 * not trusted or not naming the host): one line naming the service and the settings to check.
 * Nothing falls back to plain text: the process exits instead.
 */
export class ConnectionStartError extends Error {
  override name = 'ConnectionStartError';
}

/** Node's and OpenSSL's codes for a TLS handshake or certificate failure. */
const TLS_ERROR_CODE = /CERT|SELF_SIGNED|UNABLE_TO_|^ERR_TLS_|^ERR_SSL_|^EPROTO$/;

/** The innermost error that carries a message: Sequelize wraps pg's, which may wrap Node's. */
function rootCause(error: unknown): { message: string; code?: string } {
  let current = error as { message?: string; code?: string; original?: unknown; parent?: unknown; cause?: unknown };
  for (let depth = 0; depth < 5; depth += 1) {
    const inner = current.original ?? current.parent ?? current.cause;
    if (!inner || typeof inner !== 'object') break;
    current = inner as typeof current;
  }
  return { message: current.message ?? String(error), code: current.code };
}

export function isTlsFailure(error: unknown): boolean {
  const { message, code } = rootCause(error);
  return (code !== undefined && TLS_ERROR_CODE.test(code)) || /\bSSL\b|\bTLS\b|certificate/i.test(message);
}

/** `service` reached through `settings` could not be connected to; the reason, and for TLS which settings to check. */
export function connectionStartError(service: string, settings: string, error: unknown): ConnectionStartError {
  const { message, code } = rootCause(error);
  const reason = code && !message.includes(code) ? `${message} (${code})` : message;
  const kind = isTlsFailure(error) ? 'TLS failed' : 'could not connect';
  return new ConnectionStartError(`${service} (${settings}): ${kind}: ${reason}`, { cause: error });
}
