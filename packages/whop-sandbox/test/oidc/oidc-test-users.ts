/** A small in-memory user directory for the OIDC tests. */
import type { SandboxUser, UserDirectory } from '../../src/sandbox-contracts.ts';

export function buildSandboxUser(overrides: Partial<SandboxUser> & Pick<SandboxUser, 'id'>): SandboxUser {
  return {
    username: overrides.id.replace(/^user_/, ''),
    name: null,
    email: `${overrides.id}@example.test`,
    profile_picture: null,
    created_at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export interface TestUserDirectory extends UserDirectory {
  remove(id: string): void;
}

/** Two users by default: one with a name that needs escaping and a picture, one without either. */
export function createTestUserDirectory(
  users: SandboxUser[] = [
    buildSandboxUser({
      id: 'user_alice',
      username: 'alice',
      name: 'Alice <b>Admin</b>',
      email: 'alice@example.test',
      profile_picture: { url: 'https://img.example.test/alice.png' },
    }),
    buildSandboxUser({ id: 'user_bob', username: 'bob', email: 'bob@example.test' }),
  ],
): TestUserDirectory {
  const byId = new Map(users.map((user) => [user.id, user]));
  return {
    getUser: (id) => byId.get(id),
    listUsers: () => [...byId.values()],
    remove: (id) => {
      byId.delete(id);
    },
  };
}
