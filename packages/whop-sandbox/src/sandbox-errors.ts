/**
 * Typed errors of the sandbox. Each carries the HTTP status and the Whop-style error
 * `type`/`code` so one handler per surface (REST, control API, UI) can answer consistently.
 */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends SandboxError {
  constructor(
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message, 400, 'invalid_request_error', 'invalid_parameter');
  }
}

export class UnauthorizedError extends SandboxError {
  constructor(message = 'Missing or invalid bearer token.') {
    super(message, 401, 'authentication_error', 'unauthorized');
  }
}

export class ForbiddenError extends SandboxError {
  constructor(message = 'You do not have permission to access this resource.') {
    super(message, 403, 'permission_error', 'forbidden');
  }
}

export class NotFoundError extends SandboxError {
  constructor(message: string) {
    super(message, 404, 'not_found_error', 'not_found');
  }
}

export class ConflictError extends SandboxError {
  constructor(message: string) {
    super(message, 409, 'invalid_request_error', 'conflict');
  }
}

/** Whop's documented 429 body: `{"error":{"type":"rate_limit_exceeded","message":"Try again in N seconds."}}`. */
export class RateLimitedError extends SandboxError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Try again in ${retryAfterSeconds} seconds.`, 429, 'rate_limit_exceeded', 'rate_limit_exceeded');
  }
}
