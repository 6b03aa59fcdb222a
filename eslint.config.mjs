import { tenancyLint } from '@bulkhead/tenancy/eslint';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

// Isolation guardrails enforced at lint time: the isolation kit's preset (@bulkhead/tenancy/eslint),
// told where this app keeps what. lib/lint.test.ts proves each rule fires:
//  1. Domain code never spells a tenant id: the tenant comes from the context (lib/tenancy).
//  2. Only lib/db, lib/tenancy, scripts, tools and tests may open raw or privileged connections.
//  3. Next's data cache is not used for tenant data: its keys do not include the tenant.
//  4. Nothing imports the kit's internals (@bulkhead/tenancy/src/…, a path into packages/tenancy).

// The app's isolation core: its binding of the kit (lib/tenancy), its pool and ops client (lib/db).
const ISOLATION_CORE = ['lib/db/**', 'lib/tenancy/**'];
// Entry points turn a credential (a session, an API key) into a tenant context, and the rate
// limiter keys its counters by tenant: they handle tenant ids, but still reach tenant data only
// through the tenant client and the definer functions.
const ENTRY_POINTS = ['lib/auth/**', 'lib/api/route.ts', 'lib/rate-limit/**'];
const OUTSIDE_APP = ['scripts/**', 'tools/**', 'test/**', 'e2e/**', '**/*.test.ts', '**/*.test.tsx', 'prisma/**', '*.config.*'];

// ── Layers ──────────────────────────────────────────────────────────────────────────────────────
// Imports point down. From the top: pages, layouts, route handlers, server actions and components
// (app/, components/); the entry points (lib/api, lib/auth, lib/actions: who is asking, in which
// tenant); the domains (lib/<domain>: the services, the code that calls tenantDb()); and the
// infrastructure (lib/tenancy, lib/db, lib/rate-limit, lib/mail, lib/http). The helpers at lib/*.ts
// (errors, money, pagination, validation, env) serve every layer. lib/lint.test.ts proves each rule:
//  a. app/ and components/ never touch the database: no value from lib/tenancy or lib/db (types
//     are fine, and app/api/health may use lib/db/health), and nothing at all from the definer
//     functions. They call a service (lib/<domain>, lib/auth, lib/api).
//  b. A domain uses another domain, or lib/auth, only through its public modules: its index.ts, which
//     lists what the others may use, and its pure schema.ts and status.ts. Entry points,
//     pages and components sit above every domain and may import any of its modules (client
//     components must not pull in a barrel that reaches the database).
//  c. Infrastructure imports no domain and no entry point: what it needs from them, the caller
//     passes in (the rate limiter gets the plan's limits, not the plan).
//  d. The helpers at lib/*.ts import no layer at all (lib/startup-checks.ts, the composition root, aside).
// Tests are exempt: they set up across layers. The rules use @typescript-eslint/no-restricted-imports
// (its allowTypeImports lets types through): a second no-restricted-imports block for the same
// files would replace the kit preset's instead of adding to it.
const DOMAINS = ['account', 'api-keys', 'audit-log', 'billing', 'commerce', 'customers', 'members', 'orders', 'products', 'settings'];
const ENTRY_POINT_FOLDERS = ['api', 'auth', 'actions'];
const INFRASTRUCTURE = ['db', 'http', 'mail', 'rate-limit', 'tenancy'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
// A folder's public modules: its index.ts, and — pure by convention, no database, safe in a client
// bundle — its schema.ts (the domain's zod schema, which forms .extend and the API makes strict)
// and status.ts (its statuses and their predicates).
const PUBLIC_MODULES = ['index', 'schema', 'status'];

// A specifier that names lib/<path>: '@/lib/<path>', or relative ('../<path>' inside lib/,
// '../../lib/<path>' from app/ or components/).
const LIB = String.raw`^(?:@/lib/|(?:\.\./)+(?:lib/)?)`;
/** Specifiers that land in lib/`path` or below, except its modules named in `except`. */
const inLib = (path, except = []) => `${LIB}${path}${except.length ? String.raw`(?!/(?:${except.join('|')})(?:\.ts)?$)` : ''}(?:/.*)?$`;
/** Specifiers that land in lib/<name>, for one of `names`, past its public modules. */
const pastPublic = (names) =>
  `${LIB}(?:${names.map((name) => String.raw`${name}/(?!(?:${PUBLIC_MODULES.join('|')})(?:\.ts)?$)`).join('|')}).+$`;
const UPWARD = {
  regex: String.raw`^(?:@/|(?:\.\./)+)(?:app|components)/`,
  message: 'lib/ never imports pages or components: they call lib, not the reverse.',
};

const THROUGH_A_SERVICE =
  'Pages, layouts, route handlers, server actions and components reach tenant data through a service in lib/<domain>, never tenantDb() or the isolation kit themselves (types are fine).';

/** Rule (a), for app/ and components/; `health` lets lib/db/health through. */
function pagesMayNot({ health = false } = {}) {
  return {
    patterns: [
      { regex: inLib('tenancy', ['definer-functions']), allowTypeImports: true, message: THROUGH_A_SERVICE },
      { group: ['@bulkhead/tenancy', '@bulkhead/tenancy/*'], allowTypeImports: true, message: THROUGH_A_SERVICE },
      {
        regex: inLib('tenancy/definer-functions'),
        message:
          'The definer functions are called by lib/auth, lib/api and lib/account only: use their services (lib/account/workspaces, lib/account/invitations, lib/auth/session).',
      },
      {
        regex: inLib('db', ['generated/client', ...(health ? ['health'] : [])]),
        message: 'Pages and components never touch the database: call a service in lib/<domain>.',
      },
      {
        regex: inLib('db/generated/client'),
        allowTypeImports: true,
        message: 'Only types from the generated client (a model row, an enum as a type): queries and values belong in lib/<domain>.',
      },
    ],
  };
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  ...tenancyLint({
    core: ISOLATION_CORE,
    entryPoints: ENTRY_POINTS,
    outside: OUTSIDE_APP,
    restrictedImports: [
      {
        group: ['**/db/privileged', '**/db/privileged.ts'],
        message: 'The ops client bypasses row-level security: only lib/db, scripts and tests may use it.',
      },
      {
        group: ['**/db/pool', '**/db/pool.ts'],
        message: 'Raw connections skip the tenant client. Use tenantDb() from lib/tenancy (or lib/db/health for probes).',
      },
      {
        group: ['**/db/generated/client', '**/db/generated/client.ts'],
        importNames: ['PrismaClient'],
        message: 'An unscoped PrismaClient skips both isolation layers. Use tenantDb() from lib/tenancy.',
      },
    ],
  }),
  // ── Layers (see the top of this file) ──
  {
    name: 'bulkhead/layers/pages',
    files: ['app/**', 'components/**'],
    ignores: [...TESTS, 'app/api/health/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', pagesMayNot()] },
  },
  {
    name: 'bulkhead/layers/health',
    files: ['app/api/health/**'],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', pagesMayNot({ health: true })] },
  },
  ...DOMAINS.map((domain) => ({
    name: `bulkhead/layers/domain/${domain}`,
    files: [`lib/${domain}/**`],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: pastPublic(DOMAINS.filter((other) => other !== domain)),
              message:
                "A domain uses another domain only through its public module, lib/<domain>/index.ts: import '../<domain>' (and add what you need to its index.ts).",
            },
            {
              regex: pastPublic(['auth']),
              message: "Domains use lib/auth only through lib/auth/index.ts: import '../auth' (and add what you need there).",
            },
            {
              regex: inLib(`(?:api|actions)`),
              message: 'Entry points (lib/api, lib/actions) call domains, never the reverse.',
            },
            UPWARD,
          ],
        },
      ],
    },
  })),
  {
    name: 'bulkhead/layers/infrastructure',
    files: INFRASTRUCTURE.map((folder) => `lib/${folder}/**`),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: inLib(`(?:${DOMAINS.join('|')})`),
              message:
                "Infrastructure imports no domain: have the caller pass in what it needs (the rate limiter takes a plan's limits, not the plan).",
            },
            {
              regex: inLib(`(?:${ENTRY_POINT_FOLDERS.join('|')})`),
              message: 'Infrastructure imports no entry point (lib/api, lib/auth, lib/actions): they call it, not the reverse.',
            },
            UPWARD,
          ],
        },
      ],
    },
  },
  {
    // d. The helpers at lib/*.ts serve every layer, so they import none: no domain, entry point or
    //    infrastructure (types from the generated client are fine). lib/startup-checks.ts is the
    //    process's composition root (instrumentation.ts loads it) and checks every layer's settings.
    name: 'bulkhead/layers/helpers',
    files: ['lib/*.ts'],
    ignores: [...TESTS, 'lib/startup-checks.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(?:@/lib/|\./)(?:${[...DOMAINS, ...ENTRY_POINT_FOLDERS, ...INFRASTRUCTURE].join('|')})(?:/|$)`,
              allowTypeImports: true,
              message:
                'The helpers at lib/*.ts serve every layer and import none of them: move what you need into a helper (as lib/calendar.ts was), or the code into the layer.',
            },
            UPWARD,
          ],
        },
      ],
    },
  },
  globalIgnores([
    '.next/**',
    '.e2e/**',
    '.data/**',
    '.scratch/**',
    'lib/db/generated/**',
    'packages/*/test/fixture/generated/**',
    'next-env.d.ts',
    'playwright-report/**',
    'test-results/**',
  ]),
]);
