/** Errors of the sign-in flow and of signed-in sessions. */
import { AppError, UnauthenticatedError } from '../../domain/app-errors.ts';

/** The session can no longer act for its user (tokens revoked, expired, or tampered): sign in again. */
export class SessionEndedError extends UnauthenticatedError {
  constructor(message = 'Your Whop sign-in has expired. Please sign in again.') {
    super(message);
  }
}

/** A sign-in attempt that failed for a reason the user can act on; shown on the login page. */
export class SignInError extends AppError {
  constructor(message: string, status = 400) {
    super(message, status, 'sign_in_failed');
  }
}
