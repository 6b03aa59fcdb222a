import type { RateLimiterRes } from 'rate-limiter-flexible';

/**
 * True when a limiter's consume() rejected because the key is over its limit (rate-limiter-flexible
 * rejects with a RateLimiterRes, not an Error), false for a real failure such as a store error.
 *
 * Not `instanceof RateLimiterRes`: the package is CommonJS, and a Next.js production bundle can hold
 * more than one copy of its RateLimiterRes class — the store's rejection then fails `instanceof`
 * against the copy we imported, and a refusal became a 500 ("Configuration") instead of a wait.
 */
export function isLimitRefusal(error: unknown): error is RateLimiterRes {
  if (error === null || typeof error !== 'object' || error instanceof Error) return false;
  const candidate = error as Partial<Record<keyof RateLimiterRes, unknown>>;
  return (
    typeof candidate.msBeforeNext === 'number' &&
    typeof candidate.consumedPoints === 'number' &&
    typeof candidate.remainingPoints === 'number'
  );
}
