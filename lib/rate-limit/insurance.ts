import { RateLimiterMemory, type IRateLimiterOptions, type RateLimiterRes } from 'rate-limiter-flexible';

// rate-limiter-flexible falls back to an "insurance" limiter when its store fails (a query error,
// no free connection within the pool's timeout). Bulkhead's insurance counts in this process's
// memory — the site stays up — but those counts are fresh: an attempt counted there is missing
// from the shared store, so a throttle can briefly allow more than its limit. That must never be
// silent: every fallback is logged (at most once a minute per limiter, with how many it took), so
// an operator sees a store that is failing and a test that flakes on it says why.

const QUIET_MS = 60_000;

class LoggedInsurance extends RateLimiterMemory {
  private lastLogged = 0;
  private unlogged = 0;

  override consume(key: string | number, points?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
    this.unlogged += 1;
    const now = Date.now();
    if (now - this.lastLogged >= QUIET_MS) {
      console.warn(`rate-limit: the store for "${this.keyPrefix}" failed; ${this.unlogged} attempt(s) counted in memory instead`);
      this.lastLogged = now;
      this.unlogged = 0;
    }
    return super.consume(key, points, options);
  }
}

/** The in-memory fallback for a store-backed limiter with these options; logs whenever it is used. */
export function insuranceLimiter(options: Pick<IRateLimiterOptions, 'keyPrefix' | 'points' | 'duration'>): RateLimiterMemory {
  return new LoggedInsurance(options);
}
