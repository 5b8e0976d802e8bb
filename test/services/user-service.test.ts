/**
 * Recording a sign-in, at database level: a user is keyed by their Whop user id (`sub`), never
 * by email; a second sign-in updates the same row and its last sign-in time.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/test-runtime.ts';
import { cleanTables } from '../support/table-cleaner.ts';
import { createUserService } from '../../src/services/user-service.ts';

const T0 = new Date('2026-12-01T12:00:00Z');
const identity = (sub: string, email: string | null, username = 'ada', picture: string | null = null) => ({
  sub,
  username,
  name: 'Ada',
  email,
  picture,
});

describe('user service: recording a sign-in (database level)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(() => cleanTables(t.runtime.deps.sequelize));

  it('creates the user on first sign-in, then updates the same row, keyed by the Whop user id', async () => {
    const users = createUserService(t.runtime.deps.models);
    const first = await users.recordSignIn(identity('user_ada', 'ada@example.test'), T0);
    expect(first).to.include({ whopUserId: 'user_ada', username: 'ada', email: 'ada@example.test' });
    expect(first.lastLoginAt?.getTime()).to.equal(T0.getTime());
    const later = new Date(T0.getTime() + 60_000);
    const again = await users.recordSignIn(identity('user_ada', 'new@example.test', 'ada2'), later);
    expect(again.id).to.equal(first.id);
    expect(again).to.include({ username: 'ada2', email: 'new@example.test' });
    expect(again.lastLoginAt?.getTime()).to.equal(later.getTime());
    expect(await t.runtime.deps.models.User.count()).to.equal(1);
  });

  it('never merges two Whop users who share an email address', async () => {
    const users = createUserService(t.runtime.deps.models);
    const a = await users.recordSignIn(identity('user_a', 'shared@example.test'), T0);
    const b = await users.recordSignIn(identity('user_b', 'shared@example.test'), T0);
    expect(b.id).to.not.equal(a.id);
    expect(await t.runtime.deps.models.User.count()).to.equal(2);
  });

  it('updates the profile only of the user with that Whop id', async () => {
    const users = createUserService(t.runtime.deps.models);
    const a = await users.recordSignIn(identity('user_a', 'a@example.test'), T0);
    await users.updateProfile(a.id, identity('user_someone_else', 'evil@example.test'));
    expect((await t.runtime.deps.models.User.findByPk(a.id))?.email).to.equal('a@example.test');
    await users.updateProfile(a.id, identity('user_a', 'a2@example.test'));
    expect((await t.runtime.deps.models.User.findByPk(a.id))?.email).to.equal('a2@example.test');
  });

  it('keeps an avatar URL from Whop only when it is https:', async () => {
    const users = createUserService(t.runtime.deps.models);
    const avatarOf = async (picture: string) => {
      const user = await users.recordSignIn(identity('user_pic', 'pic@example.test', 'pic', picture), T0);
      return (await t.runtime.deps.models.User.findByPk(user.id))?.avatarUrl;
    };
    expect(await avatarOf('https://img.whop.example/a.png')).to.equal('https://img.whop.example/a.png');
    for (const refused of [
      'http://img.whop.example/a.png',
      'javascript:alert(1)',
      'data:image/svg+xml,<svg/>',
      '//img.whop.example/a.png',
      'not a url',
    ])
      expect(await avatarOf(refused), refused).to.equal(null);

    const user = await users.recordSignIn(identity('user_pic', null, 'pic', 'https://img.whop.example/a.png'), T0);
    await users.updateProfile(user.id, identity('user_pic', null, 'pic', 'http://img.whop.example/b.png'));
    expect((await t.runtime.deps.models.User.findByPk(user.id))?.avatarUrl).to.equal(null);
  });
});
