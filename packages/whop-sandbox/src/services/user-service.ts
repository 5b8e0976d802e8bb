import { ConflictError } from '../sandbox-errors.ts';
import { newId } from '../state/id-generator.ts';
import type { UserRecord } from '../state/sandbox-records.ts';
import type { SandboxState } from '../state/sandbox-state.ts';

export interface CreateUserInput {
  /** Optional fixed id (`user_…`); generated otherwise. */
  id?: string | undefined;
  username: string;
  name?: string | null | undefined;
  email?: string | undefined;
}

export function createUser(state: SandboxState, input: CreateUserInput): UserRecord {
  const id = input.id ?? newId('user');
  if (state.getUser(id)) throw new ConflictError(`User ${id} already exists.`);
  if (state.findUserByUsername(input.username)) throw new ConflictError(`Username ${input.username} is taken.`);
  return state.insertUser({
    id,
    username: input.username,
    name: input.name ?? null,
    email: input.email ?? `${input.username.toLowerCase()}@example.test`,
    profile_picture: null,
    created_at: new Date().toISOString(),
  });
}
