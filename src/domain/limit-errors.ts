/** A tier limit refused a new resource. Carries what the creator needs to act on it. */
import { AppError } from './app-errors.ts';
import type { LimitName, Tier } from './tier-table.ts';

const LIMIT_WORDS: Record<LimitName, string> = {
  videos: 'video limit',
  storage: 'storage limit',
  ai_credits: 'monthly AI credit limit',
  students: 'student limit',
};

export class LimitExceededError extends AppError {
  constructor(
    readonly limit: LimitName,
    readonly tier: Tier,
    readonly upgradeUrl: string | null,
    readonly limitValue: number,
  ) {
    super(
      `This would go past your ${LIMIT_WORDS[limit]} on the ${tier} tier ` +
        `(${limitValue.toLocaleString('en-US')}${limit === 'storage' ? ' bytes' : ''}). Upgrade to add more.`,
      403,
      'limit_exceeded',
    );
  }
}
