import { z } from 'zod';

// Every environment variable the app reads, validated once. A missing or malformed variable stops
// start-up with its name in the message instead of surfacing later as a confusing runtime error.

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');

const PLANS = ['free', 'pro', 'enterprise'] as const;

/** "free=2,pro=4,enterprise=8": a whole number for every plan, nothing else. */
function planNumbers(fallback: string, min: number, max: number) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const result: Partial<Record<(typeof PLANS)[number], number>> = {};
      for (const part of value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const match = /^(\w+)\s*=\s*(\d+)$/.exec(part);
        const plan = match?.[1] as (typeof PLANS)[number] | undefined;
        const number = Number(match?.[2]);
        if (!match || !PLANS.includes(plan!) || number < min || number > max) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not plan=number (plans: ${PLANS.join(', ')}; ${min}–${max})` });
          return z.NEVER;
        }
        result[plan!] = number;
      }
      const missing = PLANS.filter((plan) => result[plan] === undefined);
      if (missing.length > 0) {
        ctx.addIssue({ code: 'custom', message: `missing ${missing.join(', ')} (expected e.g. "${fallback}")` });
        return z.NEVER;
      }
      return result as Record<(typeof PLANS)[number], number>;
    });
}

/**
 * Proxies in front of the app whose X-Forwarded-For entries are believed (0–10). With 0 the client
 * is the socket's peer; with n, the address the n-th proxy from the app saw (scripts/serve.ts).
 */
const trustProxyHops = z.coerce
  .number({ error: 'must be a whole number from 0 to 10' })
  .int('must be a whole number from 0 to 10')
  .min(0, 'must be a whole number from 0 to 10 (0: no proxy in front of the app)')
  .max(10, 'must be a whole number from 0 to 10')
  .default(0);

/** "eu1=postgres://host:5432,us1=postgres://…": target names (as in tenant_placements) to servers. */
const databaseTargets = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const targets: Record<string, string> = {};
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^([a-z][a-z0-9_-]{0,39})\s*=\s*(postgres(?:ql)?:\/\/\S+)$/.exec(part);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not name=postgres://host:port (names: a-z, 0-9, _ and -)` });
        return z.NEVER;
      }
      targets[match[1]!] = match[2]!;
    }
    return targets;
  });

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** The running app's connection: the restricted runtime role (never the table owner). */
    DATABASE_URL: postgresUrl,
    /** Connections the app may open to PostgreSQL. */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** How the tenant reaches PostgreSQL: one round trip (pipelined) or plain BEGIN…COMMIT. */
    TENANT_DB_MODE: z.enum(['pipelined', 'transaction']).default('pipelined'),
    /** Connections of the pool tenant work can never take: kept for membership, API-key and rate-limit lookups. */
    DATABASE_POOL_RESERVED: z.coerce.number().int().min(0).max(100).default(2),
    /** Connections one tenant may hold at once, by plan ("free=2,pro=4,enterprise=8"). */
    TENANT_POOL_SHARES: planNumbers('free=2,pro=4,enterprise=8', 1, 200),
    /** How long a tenant's work waits for one of its connections before a 503 (ms). */
    TENANT_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(5_000),
    /** statement_timeout of pages, actions and API requests, by plan (ms). */
    TENANT_STATEMENT_TIMEOUT_MS: planNumbers('free=5000,pro=15000,enterprise=60000', 1, 86_400_000),
    /** statement_timeout of batch work (jobs, imports, exports, tenant moves), by plan (ms). */
    TENANT_BATCH_STATEMENT_TIMEOUT_MS: planNumbers('free=300000,pro=900000,enterprise=3600000', 1, 86_400_000),
    /**
     * After an API key is refused (429), its next requests wait this long before they are looked at
     * again, so a client that ignores Retry-After cannot spend the server's CPU (lib/rate-limit/pacing.ts).
     * 0 turns pacing off.
     */
    API_REFUSAL_HOLD_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    /**
     * The servers of the `database` tier, by the name a placement row gives ("eu1=postgres://db-eu1:5432,…"):
     * host, port and parameters only — the app signs in with DATABASE_URL's role and password, and
     * any credentials here are dropped. `local`, DATABASE_URL's own server, is always there.
     */
    TENANT_DATABASE_TARGETS: databaseTargets,
    /** Open connections across every dedicated database's pool, at most. */
    TENANT_DATABASE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(200).default(8),
    /** Proxies in front of the app whose X-Forwarded-For entries are believed (scripts/serve.ts). */
    TRUST_PROXY_HOPS: trustProxyHops,
    /** Rate-limit counters in Redis instead of PostgreSQL (optional; redis:// or rediss://). */
    REDIS_URL: z
      .string()
      .trim()
      .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL')
      .optional(),
  })
  .refine((env) => env.DATABASE_POOL_RESERVED < env.DATABASE_POOL_SIZE, {
    path: ['DATABASE_POOL_RESERVED'],
    message: 'must be smaller than DATABASE_POOL_SIZE: tenant work needs at least one connection',
  });

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
    throw new Error(
      `Invalid environment:\n${problems}\n` +
        'Run `npm run dev`, which starts a local PostgreSQL and sets these for you, or see the README.',
    );
  }
  return result.data;
}

/**
 * TRUST_PROXY_HOPS alone, for the front server (scripts/serve.ts), which starts before the app and
 * needs nothing else of its environment. Same rules and message as parseEnv.
 */
export function parseTrustProxyHops(value: string | undefined): number {
  const result = trustProxyHops.safeParse(value === '' ? undefined : value);
  if (!result.success) throw new Error(`Invalid environment:\n  TRUST_PROXY_HOPS: ${result.error.issues[0]?.message} (got "${value}")`);
  return result.data;
}

let cached: Env | undefined;

/** The validated environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
