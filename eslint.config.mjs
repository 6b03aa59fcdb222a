import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Isolation guardrails enforced at lint time (lib/lint.test.ts proves each one fires):
//  1. Domain code never spells a tenant id: the tenant comes from the context (lib/tenancy).
//  2. Only lib/db, lib/tenancy, scripts and tests may open raw or privileged connections.
//  3. Next's data cache is not used for tenant data: its keys do not include the tenant.

const ISOLATION_CORE = ['lib/db/**', 'lib/tenancy/**'];
// Entry points turn a credential (a session, an API key) into a tenant context, and the rate
// limiter keys its counters by tenant: they handle tenant ids, but still reach tenant data only
// through the tenant client and the lookup functions.
const ENTRY_POINTS = ['lib/auth/**', 'lib/api/route.ts', 'lib/rate-limit/**'];
const OUTSIDE_APP = ['scripts/**', 'test/**', 'e2e/**', '**/*.test.ts', '**/*.test.tsx', 'prisma/**', '*.config.*'];

const privilegedImports = {
  patterns: [
    {
      group: ['**/db/privileged', '**/db/privileged.ts'],
      message: 'The ops client bypasses row-level security: only lib/db, scripts and tests may use it.',
    },
    {
      group: ['pg', '@prisma/adapter-pg', '**/db/pool', '**/db/pool.ts'],
      message: 'Raw connections skip the tenant client. Use tenantDb() from lib/tenancy (or lib/db/health for probes).',
    },
    {
      group: ['**/db/generated/client', '**/db/generated/client.ts'],
      importNames: ['PrismaClient'],
      message: 'An unscoped PrismaClient skips both isolation layers. Use tenantDb() from lib/tenancy.',
    },
  ],
  paths: [
    {
      name: 'next/cache',
      importNames: ['unstable_cache'],
      message: "Next's data cache is shared across tenants: its key must include the tenant. Cache per tenant explicitly or not at all.",
    },
  ],
};

const noCacheDirective = {
  selector: "ExpressionStatement[directive='use cache']",
  message: "'use cache' entries are shared across tenants unless their key includes the tenant; tenant data must not be cached this way.",
};
const noTenantId = {
  selector: "Identifier[name='tenantId']",
  message: 'Domain code never names a tenant id: the tenant comes from the context (tenantDb(), currentTenant()). See lib/tenancy.',
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: [...ISOLATION_CORE, ...OUTSIDE_APP, ...ENTRY_POINTS],
    rules: {
      'no-restricted-imports': ['error', privilegedImports],
      'no-restricted-syntax': ['error', noCacheDirective, noTenantId],
    },
  },
  {
    files: ENTRY_POINTS,
    ignores: OUTSIDE_APP,
    rules: {
      'no-restricted-imports': ['error', privilegedImports],
      'no-restricted-syntax': ['error', noCacheDirective],
    },
  },
  globalIgnores([
    '.next/**',
    '.e2e/**',
    '.data/**',
    '.scratch/**',
    'lib/db/generated/**',
    'next-env.d.ts',
    'playwright-report/**',
    'test-results/**',
  ]),
]);
