/** Typed errors. Each carries the HTTP status and a short message that is safe to show a user. */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message, 400, 'invalid_request');
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Please sign in.') {
    super(message, 401, 'unauthenticated');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have access to this page.') {
    super(message, 403, 'forbidden');
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super(message, 404, 'not_found');
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, 409, 'conflict');
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, 503, 'service_unavailable');
  }
}

/** The message of whatever was thrown: an Error's message, a string itself, anything else as a string. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}
