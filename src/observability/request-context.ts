/**
 * The request a piece of work belongs to, carried through every async step of it by Node's
 * AsyncLocalStorage: the request logger starts the context, and the logger's mixin adds the
 * request's id (`reqId`) to every line written inside it, wherever the line is written.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestContext {
  reqId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it starts) as part of the request `reqId`. */
export function runInRequest<T>(reqId: string, work: () => T): T {
  return storage.run({ reqId }, work);
}

/** The fields every log line written inside a request carries (none outside one). */
export function requestLogFields(): { reqId?: string } {
  const context = storage.getStore();
  return context ? { reqId: context.reqId } : {};
}
