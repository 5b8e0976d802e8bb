/**
 * A creator's standing with Whop, which can change after onboarding:
 * - the **connection**: Whop answers 403 to the app's calls about a company that has not installed
 *   the app (or uninstalled it, or no longer approves its permissions). Such a creator is marked
 *   `disconnected` (since when); any later successful call about the company clears it.
 * - the **owner's rights**: the owner must still be an admin of the company (check-access). When
 *   that is gone the owner loses the creator (`revoked`), and a current admin may take it over:
 *   the same row, its data kept, with the former owner and the date recorded.
 * Re-checked at sign-in, in reconciliation, at onboarding and on "Check again".
 */
import type { Logger } from 'pino';
import { Op } from 'sequelize';
import type { Models } from '../models/init-models.ts';
import type { Creator } from '../models/creator-model.ts';
import type { User } from '../models/user-model.ts';
import { WhopApiError } from './whop/whop-errors.ts';
import type { WhopApiClient } from './whop/whop-api-client.ts';
import { errorMessage } from '../domain/app-errors.ts';

/** Whop's answer for a company the app cannot read: the app is not installed there (or not approved). */
export function isNotInstalled(error: unknown): boolean {
  return error instanceof WhopApiError && error.status === 403;
}

export type OwnerCheck = 'admin' | 'revoked' | 'disconnected';

export interface CompanyConnectionRow {
  creatorId: number;
  companyId: string;
  companyName: string | null;
  owner: string;
  since: Date;
}

export interface OwnerChangeRow {
  creatorId: number;
  companyId: string;
  companyName: string | null;
  owner: string;
  previousOwner: string | null;
  /** When the owner lost their rights (still waiting for an admin), or when it changed hands. */
  at: Date;
}

export function createCreatorAccessService(deps: {
  models: Pick<Models, 'Creator' | 'User'>;
  whop: WhopApiClient;
  logger: Logger;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { Creator, User } = deps.models;

  async function markDisconnected(creator: Creator): Promise<void> {
    if (creator.connection === 'disconnected') return;
    const at = now();
    await Creator.update(
      { connection: 'disconnected', disconnectedAt: at },
      { where: { id: creator.id, connection: 'connected' } },
    );
    creator.set({ connection: 'disconnected', disconnectedAt: at });
    deps.logger.warn(
      { creatorId: creator.id, companyId: creator.whopCompanyId },
      'whop refuses the company: app not installed; creator disconnected',
    );
  }

  async function markConnected(creator: Creator): Promise<boolean> {
    if (creator.connection === 'connected') return false;
    await Creator.update({ connection: 'connected', disconnectedAt: null }, { where: { id: creator.id } });
    creator.set({ connection: 'connected', disconnectedAt: null });
    deps.logger.info(
      { creatorId: creator.id, companyId: creator.whopCompanyId },
      'company reachable again; creator reconnected',
    );
    return true;
  }

  async function setOwnerAccess(creator: Creator, access: 'admin' | 'revoked'): Promise<void> {
    const at = now();
    const revokedAt = access === 'revoked' ? (creator.ownerRevokedAt ?? at) : null;
    await Creator.update(
      { ownerAccess: access, ownerRevokedAt: revokedAt, ownerAccessCheckedAt: at },
      { where: { id: creator.id, ownerUserId: creator.ownerUserId } },
    );
    if (creator.ownerAccess !== access)
      deps.logger.info(
        { creatorId: creator.id, companyId: creator.whopCompanyId, access },
        'creator owner rights changed',
      );
    creator.set({ ownerAccess: access, ownerRevokedAt: revokedAt, ownerAccessCheckedAt: at });
  }

  /**
   * Asks Whop whether the owner still administers the company and records the answer. A 403 means
   * the app cannot reach the company at all: the creator is disconnected and the rights stay as
   * they were. Other failures propagate (the caller decides whether that matters).
   */
  async function recheckOwner(creator: Creator): Promise<OwnerCheck> {
    const owner = await User.findByPk(creator.ownerUserId);
    if (!owner) return creator.ownerAccess;
    let level: string;
    try {
      level = await deps.whop.checkAccess(creator.whopCompanyId, owner.whopUserId);
    } catch (error) {
      if (isNotInstalled(error)) {
        await markDisconnected(creator);
        return 'disconnected';
      }
      // Whop knows no such user (a deleted account): not an admin any more.
      if (error instanceof WhopApiError && error.status === 404) level = 'no_access';
      else throw error;
    }
    await markConnected(creator);
    const access = level === 'admin' ? 'admin' : 'revoked';
    await setOwnerAccess(creator, access);
    return access;
  }

  return {
    markDisconnected,
    markConnected,
    recheckOwner,

    /**
     * Whether the app can read the company now (`GET /companies/{id}` with the API key): its title
     * when it can, `'not_installed'` on 403. A creator passed in is marked accordingly.
     */
    async probe(companyId: string, creator?: Creator): Promise<{ title: string | null } | 'not_installed'> {
      try {
        const company = await deps.whop.getCompany(companyId);
        if (creator) await markConnected(creator);
        return { title: company.title ?? null };
      } catch (error) {
        if (!isNotInstalled(error)) throw error;
        if (creator) await markDisconnected(creator);
        return 'not_installed';
      }
    },

    /** At sign-in: the user's creator (if any) has the owner's rights re-checked; Whop failing only logs. */
    async recheckAtSignIn(user: Pick<User, 'id'>): Promise<void> {
      const creator = await Creator.findOne({ where: { ownerUserId: user.id } });
      if (!creator) return;
      await recheckOwner(creator).catch((error: unknown) => {
        deps.logger.warn(
          { creatorId: creator.id, err: { message: errorMessage(error) } },
          'owner rights not re-checked at sign-in',
        );
      });
    },

    /**
     * `newOwner` (whom Whop calls an admin now) takes the creator over from an owner who is not:
     * the row and its data stay. Conditional on the owner not having changed meanwhile.
     */
    async takeOver(creator: Creator, newOwner: Pick<User, 'id'>): Promise<boolean> {
      const at = now();
      const previousOwnerUserId = creator.ownerUserId;
      const values = {
        ownerUserId: newOwner.id,
        previousOwnerUserId,
        ownerChangedAt: at,
        ownerAccess: 'admin' as const,
        ownerRevokedAt: null,
        ownerAccessCheckedAt: at,
      };
      const [count] = await Creator.update(values, { where: { id: creator.id, ownerUserId: previousOwnerUserId } });
      if (count === 0) return false;
      creator.set(values);
      deps.logger.info(
        { creatorId: creator.id, companyId: creator.whopCompanyId, from: previousOwnerUserId, to: newOwner.id },
        'creator taken over by a current admin',
      );
      return true;
    },

    /** What the admin page lists: disconnected companies, owners who lost their rights, recent takeovers. */
    async overview(
      recentDays = 30,
    ): Promise<{ disconnected: CompanyConnectionRow[]; revoked: OwnerChangeRow[]; takenOver: OwnerChangeRow[] }> {
      const include = [{ model: User, as: 'owner' }];
      const name = (u: unknown) => {
        const user = u as User | undefined;
        return user ? `${user.username ?? user.name ?? user.whopUserId} (${user.whopUserId})` : '—';
      };
      const [disconnected, revoked, takenOver] = await Promise.all([
        Creator.findAll({
          where: { connection: 'disconnected' },
          include,
          order: [['disconnectedAt', 'ASC']],
          limit: 200,
        }),
        Creator.findAll({ where: { ownerAccess: 'revoked' }, include, order: [['ownerRevokedAt', 'ASC']], limit: 200 }),
        Creator.findAll({
          where: { ownerChangedAt: { [Op.gte]: new Date(now().getTime() - recentDays * 86_400_000) } },
          include,
          order: [['ownerChangedAt', 'DESC']],
          limit: 200,
        }),
      ]);
      const previous = new Map(
        (
          await User.findAll({
            where: { id: takenOver.map((c) => c.previousOwnerUserId).filter((id): id is number => id !== null) },
          })
        ).map((u) => [u.id, u]),
      );
      const owner = (c: Creator) => name((c as unknown as { owner?: User }).owner);
      return {
        disconnected: disconnected.map((c) => ({
          creatorId: c.id,
          companyId: c.whopCompanyId,
          companyName: c.companyName,
          owner: owner(c),
          since: c.disconnectedAt!,
        })),
        revoked: revoked.map((c) => ({
          creatorId: c.id,
          companyId: c.whopCompanyId,
          companyName: c.companyName,
          owner: owner(c),
          previousOwner: null,
          at: c.ownerRevokedAt!,
        })),
        takenOver: takenOver.map((c) => ({
          creatorId: c.id,
          companyId: c.whopCompanyId,
          companyName: c.companyName,
          owner: owner(c),
          previousOwner: c.previousOwnerUserId === null ? null : name(previous.get(c.previousOwnerUserId)),
          at: c.ownerChangedAt!,
        })),
      };
    },
  };
}

export type CreatorAccessService = ReturnType<typeof createCreatorAccessService>;
