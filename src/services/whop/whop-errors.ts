/** Typed failures of calls to Whop's REST API. */
export class WhopApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'WhopApiError';
  }
}

/** Whop refused our credentials (401/403): a configuration problem, not a user error. */
export class WhopAuthError extends WhopApiError {
  constructor(message: string, status: number, operation: string) {
    super(message, status, operation);
    this.name = 'WhopAuthError';
  }
}

/** Whop kept answering 429 after the bounded retries, or asked for a longer wait than is waited out in-process. */
export class WhopRateLimitError extends WhopApiError {
  constructor(
    message: string,
    operation: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message, 429, operation);
    this.name = 'WhopRateLimitError';
  }
}

/** A membership could not be found or is not valid for what was asked. */
export class WhopMembershipError extends WhopApiError {
  constructor(message: string, status: number | undefined, operation: string) {
    super(message, status, operation);
    this.name = 'WhopMembershipError';
  }
}

/** Whop's answers about who signed in cannot be trusted (an id_token from the future, userinfo for someone else). */
export class WhopIdentityError extends Error {
  constructor(
    readonly reason: 'id_token_issued_in_future' | 'userinfo_subject_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'WhopIdentityError';
  }
}
