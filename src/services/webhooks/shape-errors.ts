/** Reads an event's data through the translation point; data that can never be read is a permanent failure. */
import { ZodError } from 'zod';
import { ShapeError } from '../whop/whop-shapes/index.ts';
import { PermanentEventError } from './event-results.ts';

export function readData<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ShapeError) throw new PermanentEventError(`data is not a ${what}: ${error.message}`);
    if (error instanceof ZodError)
      throw new PermanentEventError(
        `data is not a ${what}: ${error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    throw error;
  }
}
