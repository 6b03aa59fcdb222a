import { createHash } from 'node:crypto';

import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';

// eslint-disable-next-line no-restricted-imports -- the pool serves only as the counter store of login_attempts, a table with no tenant data
import { appPool } from '../db/pool';
import { isLimitRefusal } from '../rate-limit/refused';

// Sign-in throttling, on rate-limiter-flexible's PostgreSQL store (table login_attempts, created by
// a migration — the runtime role owns nothing). Keys are hashes: the table holds no email or client
// addresses.
//
// If the store cannot count an attempt (a query error, no free connection in time), the attempt is
// refused, not checked: "unavailable", logged. The library's usual answer — an in-memory insurance
// limiter — counts afresh in one process's memory, so a pair that had used four attempts in the
// store would get five more there; for a guard on passwords and codes that is a hole. Without the
// store the password could not be checked anyway (the account is read from the same database).
//
// Every attempt is counted *before* the password is checked — an atomic increment in the store —
// so 30 parallel guesses get at most FREE_ATTEMPTS_PER_PAIR checks, not 30. A successful sign-in
// gives its attempts back.
//
// The unit is the pair (account, client address), not the account: an outsider who types five
// wrong passwords for someone's email locks only themselves out, never the owner signing in from
// elsewhere. Each time a pair runs out, its lock lasts twice as long as the previous one (1 min,
// 2, 4 … up to an hour, remembered for a day). Separately, an address trying many accounts is
// stopped after MAX_ATTEMPTS_PER_ADDRESS attempts in the window. The client address is trustworthy
// because scripts/serve.ts rewrites X-Forwarded-For (lib/http/client-address.ts).

const WINDOW_SECONDS = 15 * 60;
export const FREE_ATTEMPTS_PER_PAIR = 5;
export const MAX_ATTEMPTS_PER_ADDRESS = 30;
const FIRST_LOCK_SECONDS = 60;
const LONGEST_LOCK_SECONDS = 60 * 60;
const STRIKE_MEMORY_SECONDS = 24 * 60 * 60;

type Limiter = RateLimiterPostgres;
const globalForThrottle = globalThis as unknown as { bulkheadLoginLimiters?: { pair: Limiter; address: Limiter; strikes: Limiter } };

function limiter(keyPrefix: string, points: number, duration: number): Limiter {
  return new RateLimiterPostgres({
    storeClient: appPool(),
    storeType: 'pool',
    tableName: 'login_attempts',
    tableCreated: true,
    keyPrefix,
    points,
    duration,
  });
}

function limiters() {
  globalForThrottle.bulkheadLoginLimiters ??= {
    pair: limiter('login_pair', FREE_ATTEMPTS_PER_PAIR, WINDOW_SECONDS),
    address: limiter('login_address', MAX_ATTEMPTS_PER_ADDRESS, WINDOW_SECONDS),
    strikes: limiter('login_strikes', 1_000, STRIKE_MEMORY_SECONDS),
  };
  return globalForThrottle.bulkheadLoginLimiters;
}

const hash = (value: string) => createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 40);

export type SignInOutcome<T> =
  | { outcome: 'signed_in'; value: T }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number }
  | { outcome: 'unavailable' };

/** The attempt store failed: the attempt was not counted, so it is not checked either. */
export class AttemptStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super('the sign-in attempt store is unavailable', { cause });
  }
}

/** consume(), with "over the limit" (a RateLimiterRes rejection) as a value rather than an error. */
async function take(limiter: Limiter, key: string): Promise<RateLimiterRes & { refused: boolean }> {
  try {
    return Object.assign(await limiter.consume(key), { refused: false });
  } catch (error) {
    if (isLimitRefusal(error)) return Object.assign(error, { refused: true });
    throw new AttemptStoreUnavailable(error);
  }
}

/** Logs a store failure once per call site and answers "unavailable". */
export function unavailable(error: AttemptStoreUnavailable): { outcome: 'unavailable' } {
  const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
  console.warn(`throttle: the attempt store failed (${cause}); the attempt was refused unchecked`);
  return { outcome: 'unavailable' };
}

/** A give-back after a success: if the store fails now, the person is still signed in (and it is logged). */
async function giveBack(work: Promise<unknown>): Promise<void> {
  await work.catch((error: unknown) =>
    console.warn('throttle: could not give back attempts:', error instanceof Error ? error.message : error),
  );
}

/** The first attempt past a pair's free ones locks it, for twice as long as its previous lock. */
async function lockPair(pairKey: string): Promise<number> {
  const { pair, strikes } = limiters();
  const strike = await take(strikes, pairKey);
  const seconds = Math.min(FIRST_LOCK_SECONDS * 2 ** (strike.consumedPoints - 1), LONGEST_LOCK_SECONDS);
  await pair.block(pairKey, seconds);
  return seconds;
}

/**
 * Runs `check` (the password verification; undefined means wrong) only if this (email, address)
 * pair and this address have attempts left, counting the attempt first.
 */
export async function guardedSignIn<T>(email: string, address: string, check: () => Promise<T | undefined>): Promise<SignInOutcome<T>> {
  const { pair, address: byAddress } = limiters();
  const pairKey = hash(`${email}\n${address}`);
  const addressKey = hash(address);
  let forPair: Awaited<ReturnType<typeof take>>;
  let forAddress: Awaited<ReturnType<typeof take>>;
  try {
    [forPair, forAddress] = await Promise.all([take(pair, pairKey), take(byAddress, addressKey)]);
  } catch (error) {
    if (error instanceof AttemptStoreUnavailable) return unavailable(error);
    throw error;
  }
  if (forPair.refused || forAddress.refused) {
    let seconds = Math.ceil(Math.max(forPair.refused ? forPair.msBeforeNext : 0, forAddress.refused ? forAddress.msBeforeNext : 0) / 1000);
    // Exactly one attempt is the first one over: it sets the (longer) lock everyone after it meets.
    if (forPair.refused && forPair.consumedPoints === FREE_ATTEMPTS_PER_PAIR + 1) {
      seconds = await lockPair(pairKey).catch((error: unknown) => {
        console.warn('throttle: could not set the longer lock:', error instanceof Error ? error.message : error);
        return seconds; // still refused, for the window's remaining time
      });
    }
    return { outcome: 'throttled', retryAfterSeconds: Math.max(seconds, 1) };
  }
  const value = await check();
  if (value === undefined) return { outcome: 'invalid' };
  await giveBack(Promise.all([pair.delete(pairKey), byAddress.reward(addressKey, 1)]));
  return { outcome: 'signed_in', value };
}
