import type { RateLimiterAbstract } from 'rate-limiter-flexible';

import { appCounterStore, buildLimiter, connected, stateOf, type CounterStore, type LimitScope } from './index';
import type { Refusal } from './pacing';
import { isLimitRefusal } from './refused';

// Budgets of refused API requests: 401 (no key, an unknown, revoked or demo key) and 403 (a key
// whose scope or role does not allow the call). Such requests never reach a tenant's limiter, so
// without this an unknown key could be tried without end, each try costing the shared database a
// key lookup, and a read-only key could hammer write endpoints for free.
//
// Every refusal is counted against the key it presented (its sha256; junk is not a key) and the
// address it came from (lib/http/client-address.ts, which the front server makes trustworthy). A
// caller over either budget is refused with 429 + Retry-After until the minute is over, and that is
// decided from this process's memory — `blocked()` reads a Map, no database — before the key is
// even looked up. Counters live where the tenant limits live (PostgreSQL or Redis), so every
// process of a deployment counts into the same minute.
//
// A request with no known address (a handler called without the front server, as in tests) is
// counted by its key only: one shared "unknown" bucket would let one caller refuse everyone.

export type RefusalScope = Extract<LimitScope, 'refused_key' | 'refused_address'>;

/** Refused requests a caller may make per minute before it is refused outright. */
export const REFUSALS_PER_MINUTE: Record<RefusalScope, number> = {
  /** Per presented key: generous for a client whose key was just revoked or is read-only by mistake. */
  refused_key: 20,
  /** Per address: an office behind one NAT address shares it. */
  refused_address: 60,
};

export interface RefusalSubject {
  scope: RefusalScope;
  /** The key's sha256, or the client address. */
  id: string;
}

/** The name a subject goes by in the refusal pacer (lib/rate-limit/pacing.ts): never a key hash of its own. */
export const pacingKeyOf = (subject: RefusalSubject) => `${subject.scope}:${subject.id}`;

export interface RefusalLimiter {
  /** From memory only: the refusal of a subject whose budget is spent, while its minute lasts. */
  blocked(subject: RefusalSubject): Refusal | undefined;
  /** Counts one refused request against each subject; the refusal of the first one now over its budget. */
  count(subjects: RefusalSubject[]): Promise<Refusal | undefined>;
  readonly store: CounterStore['kind'];
}

export interface RefusalLimiterOptions {
  now?: () => number;
  /** Subjects remembered as blocked, oldest forgotten first. */
  maxRemembered?: number;
}

export function createRefusalLimiter(store: CounterStore, options: RefusalLimiterOptions = {}): RefusalLimiter {
  const { now = Date.now, maxRemembered = 10_000 } = options;
  const limiters = new Map<RefusalScope, RateLimiterAbstract>();
  const limiterOf = (scope: RefusalScope) => {
    let found = limiters.get(scope);
    if (!found) limiters.set(scope, (found = buildLimiter(store, scope, REFUSALS_PER_MINUTE[scope])));
    return found;
  };
  /** pacingKey → when its minute is over, and the refusal to answer until then. */
  const blockedUntil = new Map<string, { until: number; refusal: Refusal }>();

  function block(subject: RefusalSubject, refusal: Refusal) {
    const key = pacingKeyOf(subject);
    blockedUntil.delete(key);
    blockedUntil.set(key, { until: now() + refusal.retryAfterSeconds * 1000, refusal });
    for (const oldest of blockedUntil.keys()) {
      if (blockedUntil.size <= maxRemembered) break;
      blockedUntil.delete(oldest);
    }
  }

  async function countOne(subject: RefusalSubject): Promise<Refusal | undefined> {
    const limit = REFUSALS_PER_MINUTE[subject.scope];
    try {
      await limiterOf(subject.scope).consume(subject.id);
      return undefined;
    } catch (error) {
      if (!isLimitRefusal(error)) throw error;
      const state = { ...stateOf(subject.scope, limit, error), remaining: 0 };
      const refusal: Refusal = { allowed: false, state, retryAfterSeconds: state.resetSeconds };
      block(subject, refusal);
      return refusal;
    }
  }

  return {
    store: store.kind,
    blocked(subject) {
      const key = pacingKeyOf(subject);
      const entry = blockedUntil.get(key);
      if (!entry) return undefined;
      const left = entry.until - now();
      if (left <= 0) {
        blockedUntil.delete(key);
        return undefined;
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(left / 1000));
      return { ...entry.refusal, retryAfterSeconds, state: { ...entry.refusal.state, remaining: 0, resetSeconds: retryAfterSeconds } };
    },
    async count(subjects) {
      if (store.kind === 'redis') await connected(store.client);
      let first: Refusal | undefined;
      // Every subject is counted, even once one is over: a caller rotating keys from one address
      // still spends its address's budget, and the other way round.
      for (const subject of subjects) {
        const refused = await countOne(subject);
        first ??= refused;
      }
      return first;
    },
  };
}

const globalForRefusals = globalThis as unknown as { bulkheadRefusalLimiter?: RefusalLimiter };

/** The app's refusal budgets, on the app's counter store (one per process, like the tenant limiter). */
export function refusalLimiter(): RefusalLimiter {
  globalForRefusals.bulkheadRefusalLimiter ??= createRefusalLimiter(appCounterStore());
  return globalForRefusals.bulkheadRefusalLimiter;
}
