/**
 * Where the creator API lives and where creators manage its tokens (routes mount at them; messages and docs name them).
 */
export const API_V1_PATH = '/api/v1';
export const API_SETTINGS_PATH = '/settings/api';

/** Items per page of the API's lists when `limit` is left out, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
