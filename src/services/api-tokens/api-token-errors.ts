/**
 * Why a request to the creator API (`/api/v1`) is refused before it reaches its handler. Each
 * case has its own code and a message that says what to do; all are 401 but a missing scope (403).
 */
import { AppError } from '../../domain/app-errors.ts';

export type TokenRefusal = 'missing_token' | 'malformed_token' | 'invalid_token' | 'revoked_token' | 'plan_required';

export class ApiTokenError extends AppError {
  constructor(code: TokenRefusal, message: string) {
    super(message, 401, code);
  }
}

export class InsufficientScopeError extends AppError {
  constructor(message: string) {
    super(message, 403, 'insufficient_scope');
  }
}
