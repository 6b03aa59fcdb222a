import { createHash } from 'node:crypto';

import { RateLimiterPostgres } from 'rate-limiter-flexible';

// eslint-disable-next-line no-restricted-imports -- the pool serves only as the counter store of login_attempts, a table with no tenant data
import { appPool } from '../db/pool';
import { insuranceLimiter } from '../rate-limit/insurance';
import { isLimitRefusal } from '../rate-limit/refused';

// Limits on the forms that send mail to an address someone typed: sign-up, forgot-password and
// "send the verification link again". Without them anyone can flood any inbox with our mail, or
// fill account_tokens. Two budgets per form, in the same store as sign-in throttling:
//   · per client address — over it, the form says so (it reveals nothing about any account);
//   · per email address — over it, nothing more is sent to that address, and the form answers
//     exactly as if it had been (the answer must not depend on whether the address has an account).

export type MailForm = 'sign_up' | 'password_reset' | 'verify_email';

const HOUR = 60 * 60;
const BUDGETS: Record<MailForm, { perAddress: number; perEmail: number }> = {
  sign_up: { perAddress: 10, perEmail: 3 },
  password_reset: { perAddress: 10, perEmail: 3 },
  verify_email: { perAddress: 10, perEmail: 3 },
};

type Limiter = RateLimiterPostgres;
const globalForLimits = globalThis as unknown as { bulkheadMailLimiters?: Map<string, Limiter> };

function limiter(keyPrefix: string, points: number): Limiter {
  const all = (globalForLimits.bulkheadMailLimiters ??= new Map());
  let found = all.get(keyPrefix);
  if (!found) {
    found = new RateLimiterPostgres({
      storeClient: appPool(),
      storeType: 'pool',
      tableName: 'login_attempts',
      tableCreated: true,
      keyPrefix,
      points,
      duration: HOUR,
      insuranceLimiter: insuranceLimiter({ keyPrefix, points, duration: HOUR }),
    });
    all.set(keyPrefix, found);
  }
  return found;
}

const hash = (value: string) => createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 40);

async function take(limiter: Limiter, key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  try {
    await limiter.consume(key);
    return { allowed: true, retryAfterSeconds: 0 };
  } catch (error) {
    if (isLimitRefusal(error)) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
    throw error;
  }
}

export type MailFormDecision =
  | { outcome: 'send' }
  /** Answer as if sent; send nothing. */
  | { outcome: 'quiet' }
  /** Tell the person to wait. */
  | { outcome: 'refused'; retryAfterSeconds: number };

/** Spends one attempt of `form` from `address` for `email`. */
export async function mailFormAttempt(form: MailForm, email: string, address: string): Promise<MailFormDecision> {
  const budget = BUDGETS[form];
  const byAddress = await take(limiter(`${form}_address`, budget.perAddress), hash(address));
  if (!byAddress.allowed) return { outcome: 'refused', retryAfterSeconds: byAddress.retryAfterSeconds };
  const byEmail = await take(limiter(`${form}_email`, budget.perEmail), hash(email));
  return byEmail.allowed ? { outcome: 'send' } : { outcome: 'quiet' };
}

export function tooManyRequestsMessage(seconds: number): string {
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many requests from your network. Try again in ${wait}.`;
}
