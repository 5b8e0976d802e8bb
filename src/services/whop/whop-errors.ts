/** Typed failures of calls to Whop's REST API. */
export class WhopApiError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly operation: string) {
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

/** A membership could not be found or is not valid for what was asked. */
export class WhopMembershipError extends WhopApiError {
  constructor(message: string, status: number | undefined, operation: string) {
    super(message, status, operation);
    this.name = 'WhopMembershipError';
  }
}
