import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
// eslint-disable-next-line no-restricted-imports -- the pool serves only as the counter store of login_attempts, a table with no tenant data
import { appPool } from '../db/pool';

// Sign-in throttling: after repeated failures an account, and separately a client address, is
// locked for a while. Counters live in PostgreSQL (table login_attempts, created by a migration —
// the runtime role owns nothing), with an in-memory limiter as insurance if the store fails. Keys
// are hashes, so the table holds no email addresses. The caller answers with the same message
// whether the password was wrong or the account is locked: nobody learns which accounts exist.

const WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

type Limiter = RateLimiterPostgres;
const globalForThrottle = globalThis as unknown as { bulkheadLoginLimiters?: { account: Limiter; address: Limiter } };

function limiter(keyPrefix: string, points: number): Limiter {
  return new RateLimiterPostgres({
    storeClient: appPool(),
    storeType: 'pool',
    tableName: 'login_attempts',
    tableCreated: true,
    keyPrefix,
    points,
    duration: WINDOW_SECONDS,
    blockDuration: WINDOW_SECONDS,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS, blockDuration: WINDOW_SECONDS }),
  });
}

function limiters() {
  globalForThrottle.bulkheadLoginLimiters ??= {
    account: limiter('login_account', MAX_FAILURES_PER_ACCOUNT),
    address: limiter('login_address', MAX_FAILURES_PER_ADDRESS),
  };
  return globalForThrottle.bulkheadLoginLimiters;
}

const key = (value: string) => createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 40);

/** True when this account or this address has failed too often recently. */
export async function isLocked(email: string, address: string): Promise<boolean> {
  const { account, address: byAddress } = limiters();
  const [a, b] = await Promise.all([account.get(key(email)), byAddress.get(key(address))]);
  return (a?.consumedPoints ?? 0) >= MAX_FAILURES_PER_ACCOUNT || (b?.consumedPoints ?? 0) >= MAX_FAILURES_PER_ADDRESS;
}

export async function recordFailure(email: string, address: string): Promise<void> {
  const { account, address: byAddress } = limiters();
  // Over the limit, consume() rejects with a RateLimiterRes: that is the lock taking effect.
  const swallowLimit = (error: unknown) => {
    if (!(error instanceof RateLimiterRes)) throw error;
  };
  await Promise.all([account.consume(key(email)).catch(swallowLimit), byAddress.consume(key(address)).catch(swallowLimit)]);
}

export async function recordSuccess(email: string): Promise<void> {
  await limiters().account.delete(key(email));
}
