import { RateLimiterPostgres } from 'rate-limiter-flexible';

// eslint-disable-next-line no-restricted-imports -- the pool serves only as the counter store of login_attempts, a table with no tenant data
import { appPool } from '../../db/pool';
import { isLimitRefusal } from '../../rate-limit/refused';
import { AttemptStoreUnavailable, guardedSignIn, unavailable, type SignInOutcome } from '../throttle';

// Second-factor codes are throttled like passwords — counted before they are checked, per
// (account, client address) with the same exponential locks (lib/auth/throttle.ts, under a key of
// their own so password and code attempts do not share a budget) — and, on top, per account
// across all addresses: a six-digit code with a ±1 step window is guessed with probability 3 in a
// million per try, so an attacker who has the password and many addresses must still not get
// more than ACCOUNT_ATTEMPTS tries a window. Only someone who already has the password (or the
// session) can spend that account-wide budget.

const WINDOW_SECONDS = 15 * 60;
export const ACCOUNT_ATTEMPTS = 20;

const globalForCodes = globalThis as unknown as { bulkheadTwoFactorLimiter?: RateLimiterPostgres };

function accountLimiter(): RateLimiterPostgres {
  globalForCodes.bulkheadTwoFactorLimiter ??= new RateLimiterPostgres({
    storeClient: appPool(),
    storeType: 'pool',
    tableName: 'login_attempts',
    tableCreated: true,
    keyPrefix: 'two_factor_account',
    points: ACCOUNT_ATTEMPTS,
    duration: WINDOW_SECONDS,
  });
  return globalForCodes.bulkheadTwoFactorLimiter;
}

/**
 * Runs `check` (a second-factor code; undefined means wrong) only if this user has attempts left
 * from this address and overall, counting the attempt first. A right code gives its attempts back.
 */
export async function guardedCode<T>(userId: string, address: string, check: () => Promise<T | undefined>): Promise<SignInOutcome<T>> {
  const limiter = accountLimiter();
  try {
    await limiter.consume(userId);
  } catch (error) {
    if (isLimitRefusal(error)) return { outcome: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
    // As for passwords (../throttle.ts): an attempt the store cannot count is not checked.
    return unavailable(new AttemptStoreUnavailable(error));
  }
  const result = await guardedSignIn(`two-factor:${userId}`, address, check);
  if (result.outcome === 'signed_in')
    await limiter.reward(userId, 1).catch((error: unknown) => console.warn('throttle: could not give back a code attempt:', error));
  return result;
}

export const CODES_UNAVAILABLE_MESSAGE = 'We could not check codes just now. Wait a few seconds and try again.';

export function tooManyCodesMessage(seconds: number): string {
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many wrong codes. Wait ${wait} and try again, or use a recovery code later.`;
}
