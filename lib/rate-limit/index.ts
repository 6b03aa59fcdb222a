import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';

// eslint-disable-next-line no-restricted-imports -- the pool serves only as the counter store of rate_limits, a table with no tenant data
import { appPool } from '../db/pool';
import { env } from '../env';
import { insuranceLimiter } from './insurance';
import { createRefusalPacer, type RefusalPacer } from './pacing';
import { isLimitRefusal } from './refused';

// Per-tenant rate limits, with a lower per-key limit under them: the budget is the tenant's,
// not the user's. One tenant's burst spends only that tenant's budget; its 429s are
// answered from memory once the budget is gone (inMemoryBlockOnConsumed), so a flood costs the
// shared database nothing until the window resets. Counters live in PostgreSQL (table
// rate_limits, from a migration) or in Redis when REDIS_URL is set; if the store fails, an
// in-memory limiter per process takes over rather than letting everything through.

/** Whose budget a decision is about: a tenant's, a key's, or (lib/rate-limit/refusals.ts) a refused caller's. */
export type LimitScope = 'tenant' | 'key' | 'refused_key' | 'refused_address';
const WINDOW_SECONDS = 60;

export interface LimitState {
  scope: LimitScope;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export type LimitDecision = { allowed: true; state: LimitState } | { allowed: false; state: LimitState; retryAfterSeconds: number };

/**
 * Requests per minute for the whole tenant and for one of its keys. The caller passes its plan's
 * (lib/billing/plans.ts, PLANS[plan] fits as it is): the limiter counts, it does not know plans.
 */
export interface RequestLimits {
  tenantRequestsPerMinute: number;
  keyRequestsPerMinute: number;
}

export interface RateLimitSubject {
  tenantId: string;
  limits: RequestLimits;
  /** The API key making the request; absent for the web app's own forms. */
  keyId?: string;
}

export type CounterStore = { kind: 'postgres'; pool: ReturnType<typeof appPool> } | { kind: 'redis'; client: Redis } | { kind: 'memory' };

export interface TenantRateLimiter {
  consume(subject: RateLimitSubject): Promise<LimitDecision>;
  readonly store: CounterStore['kind'];
}

/** A limiter of `points` per minute on `store`; its refusals are answered from memory once spent. */
export function buildLimiter(store: CounterStore, scope: LimitScope, points: number): RateLimiterAbstract {
  // One prefix per scope, shared by every plan's limiter: a plan change keeps the tenant's count.
  const keyPrefix = `api_${scope}`;
  const common = { keyPrefix, points, duration: WINDOW_SECONDS, inMemoryBlockOnConsumed: points, inMemoryBlockDuration: WINDOW_SECONDS };
  const insurance = insuranceLimiter({ keyPrefix, points, duration: WINDOW_SECONDS });
  switch (store.kind) {
    case 'postgres':
      return new RateLimiterPostgres({
        ...common,
        storeClient: store.pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: false,
        insuranceLimiter: insurance,
      });
    case 'redis':
      return new RateLimiterRedis({ ...common, storeClient: store.client, insuranceLimiter: insurance });
    case 'memory':
      return new RateLimiterMemory(common);
  }
}

export const stateOf = (scope: LimitScope, limit: number, res: RateLimiterRes): LimitState => ({
  scope,
  limit,
  remaining: Math.max(0, limit - res.consumedPoints),
  resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
});

export function createRateLimiter(store: CounterStore): TenantRateLimiter {
  // One limiter per scope and limit, built on first use (in practice one per plan).
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiter = (scope: 'tenant' | 'key', limit: number) => {
    const id = `${scope}:${limit}`;
    let found = limiters.get(id);
    if (!found) limiters.set(id, (found = buildLimiter(store, scope, limit)));
    return found;
  };

  async function take(scope: 'tenant' | 'key', limit: number, id: string): Promise<LimitDecision> {
    try {
      const res = await limiter(scope, limit).consume(`${scope}:${id}`);
      return { allowed: true, state: stateOf(scope, limit, res) };
    } catch (error) {
      if (!isLimitRefusal(error)) throw error;
      // A refusal from the in-memory block carries no count (consumedPoints 0): nothing remains either way.
      const state = { ...stateOf(scope, limit, error), remaining: 0 };
      return { allowed: false, state, retryAfterSeconds: state.resetSeconds };
    }
  }

  return {
    store: store.kind,
    async consume(subject) {
      if (store.kind === 'redis') await connected(store.client);
      // The key's own budget first: a key over its limit does not spend the tenant's.
      const { limits } = subject;
      const byKey = subject.keyId ? await take('key', limits.keyRequestsPerMinute, subject.keyId) : undefined;
      if (byKey && !byKey.allowed) return byKey;
      const byTenant = await take('tenant', limits.tenantRequestsPerMinute, subject.tenantId);
      if (!byTenant.allowed || !byKey) return byTenant;
      // Both allowed: report the tighter of the two.
      return byKey.state.remaining < byTenant.state.remaining ? byKey : byTenant;
    },
  };
}

/**
 * Waits (briefly) for a Redis client that is still connecting. With the offline queue off — so a
 * dead Redis fails fast to the insurance limiter instead of queueing requests — the first requests
 * after start-up would otherwise all land on the per-process insurance limiter.
 */
const settled = new WeakSet<Redis>();
export async function connected(client: Redis, timeoutMs = 1_000): Promise<void> {
  // Only the first connection is waited for: once Redis has answered or failed, a later outage goes
  // straight to the insurance limiter instead of delaying every request.
  if (settled.has(client) || client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      settled.add(client);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
    client.once('error', done);
  });
}

const globalForLimits = globalThis as unknown as { bulkheadRateLimiter?: TenantRateLimiter; bulkheadCounterStore?: CounterStore };

/** Where the app keeps its counters: Redis when REDIS_URL is set, PostgreSQL otherwise (one per process). */
export function appCounterStore(): CounterStore {
  if (!globalForLimits.bulkheadCounterStore) {
    const url = env().REDIS_URL;
    globalForLimits.bulkheadCounterStore = url
      ? { kind: 'redis', client: new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) }
      : { kind: 'postgres', pool: appPool() };
  }
  return globalForLimits.bulkheadCounterStore;
}

/** The app's limiter: Redis when REDIS_URL is set, PostgreSQL otherwise. */
export function rateLimiter(): TenantRateLimiter {
  globalForLimits.bulkheadRateLimiter ??= createRateLimiter(appCounterStore());
  return globalForLimits.bulkheadRateLimiter;
}

const globalForPacing = globalThis as unknown as { bulkheadRefusalPacer?: RefusalPacer };

/** The app's pacing of refused API keys (one per process, like the limiter's in-memory blocks). */
export function refusalPacer(): RefusalPacer {
  globalForPacing.bulkheadRefusalPacer ??= createRefusalPacer({ holdMs: env().API_REFUSAL_HOLD_MS });
  return globalForPacing.bulkheadRefusalPacer;
}

/** Puts `pacer` in place of the app's (tests drive the hold with their own clock); returns the one it replaced. */
export function replaceRefusalPacer(pacer: RefusalPacer): RefusalPacer {
  const previous = refusalPacer();
  globalForPacing.bulkheadRefusalPacer = pacer;
  return previous;
}

/** The RateLimit-* headers of a decision (draft-ietf-httpapi-ratelimit-headers), plus Retry-After on refusal. */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  const { state } = decision;
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
    'RateLimit-Policy': `${state.limit};w=${WINDOW_SECONDS};scope="${state.scope}"`,
    ...(decision.allowed ? {} : { 'Retry-After': String(decision.retryAfterSeconds) }),
  };
}

/** What to tell a caller who was refused. */
export function rateLimitMessage(decision: Extract<LimitDecision, { allowed: false }>): string {
  const { scope } = decision.state;
  if (scope === 'refused_key' || scope === 'refused_address') {
    const who = scope === 'refused_key' ? 'this API key' : 'your address';
    return `Too many refused requests (401 or 403) from ${who}: at most ${decision.state.limit} per minute. Check the key and its scope, then try again in ${decision.retryAfterSeconds} s.`;
  }
  const who = scope === 'tenant' ? 'this workspace' : 'this API key';
  return `Too many requests for ${who}: the limit is ${decision.state.limit} per minute on this plan. Try again in ${decision.retryAfterSeconds} s.`;
}
