import { z } from 'zod';

// Every environment variable the app reads, validated once. A missing or malformed variable stops
// start-up with its name in the message instead of surfacing later as a confusing runtime error.

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** The running app's connection: the restricted runtime role (never the table owner). */
  DATABASE_URL: postgresUrl,
  /** Connections the app may open to PostgreSQL. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How the tenant reaches PostgreSQL: one round trip (pipelined) or plain BEGIN…COMMIT. */
  TENANT_DB_MODE: z.enum(['pipelined', 'transaction']).default('pipelined'),
  /** Tenant clients kept warm (one small PrismaClient per active tenant). */
  TENANT_CLIENT_CACHE_SIZE: z.coerce.number().int().min(1).max(100_000).default(64),
  /**
   * After an API key is refused (429), its next requests wait this long before they are looked at
   * again, so a client that ignores Retry-After cannot spend the server's CPU (lib/rate-limit/pacing.ts).
   * 0 turns pacing off.
   */
  API_REFUSAL_HOLD_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Rate-limit counters in Redis instead of PostgreSQL (optional; redis:// or rediss://). */
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL')
    .optional(),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('\n');
    throw new Error(
      `Invalid environment:\n${problems}\n` +
        'Run `npm run dev`, which starts a local PostgreSQL and sets these for you, or see the README.',
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
