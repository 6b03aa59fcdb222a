// @ts-check
// @bulkhead/tenancy/eslint — the kit's isolation guardrails as an ESLint flat-config preset.
//
//   import { tenancyLint } from '@bulkhead/tenancy/eslint';
//   export default defineConfig([...nextConfigs, ...tenancyLint({ core: ['lib/tenancy/**'], … })]);
//
// What it enforces (every message names the fix):
//  1. Domain code never spells a tenant id: the tenant comes from the context.
//  2. Only the isolation core, scripts and tests open raw or privileged connections (pg, the
//     Prisma pg adapter, the app's own pool and ops-client modules, an unscoped PrismaClient, the
//     kit's admin and server entries).
//  3. Next's data cache is not used for tenant data: its keys do not include the tenant.
//  4. Nobody imports the kit's internals: only `@bulkhead/tenancy` and the subpaths its
//     package.json declares, never `@bulkhead/tenancy/src/…` or a relative path into the package.
// Plain JavaScript: ESLint loads its config with Node's own import, before any TypeScript loader.

/** The entries the kit's package.json declares; anything else under the package name is internal. */
export const PUBLIC_ENTRIES = [
  '@bulkhead/tenancy',
  '@bulkhead/tenancy/admin',
  '@bulkhead/tenancy/audit',
  '@bulkhead/tenancy/server',
  '@bulkhead/tenancy/eslint',
  '@bulkhead/tenancy/sql/*',
];

/** no-restricted-imports patterns that refuse a deep import into the kit. */
export const DEEP_IMPORT_PATTERNS = [
  {
    group: ['@bulkhead/tenancy/*', ...PUBLIC_ENTRIES.filter((entry) => entry !== '@bulkhead/tenancy').map((entry) => `!${entry}`)],
    message:
      "The isolation kit's internals are not its API: import from '@bulkhead/tenancy' or a subpath its package.json declares (/admin, /audit, /server, /eslint).",
  },
  {
    group: ['**/packages/tenancy', '**/packages/tenancy/**'],
    message: "Import the isolation kit by its package name ('@bulkhead/tenancy'), never by a path into packages/tenancy.",
  },
];

/**
 * @typedef {{ group: string[], message: string, importNames?: string[] }} ImportPattern
 * @typedef {object} TenancyLintOptions
 * @property {string[]} [files] Files the preset looks at (default: every JS/TS file).
 * @property {string[]} [core] The app's isolation core (its binding of the kit, its pool): may do everything.
 * @property {string[]} [entryPoints] Code that turns a credential into a tenant context: may name tenant ids, still no raw connections.
 * @property {string[]} [outside] Scripts, tests, configs: not served to users; only the deep-import rule applies.
 * @property {string} [tenantIdentifier] The identifier domain code must not use (default `tenantId`).
 * @property {ImportPattern[]} [restrictedImports] The app's own modules that bypass the tenant client (its pool, its ops client, its generated PrismaClient).
 */

/**
 * The preset: an array of flat-config objects to spread into the app's config.
 * @param {TenancyLintOptions} [options]
 */
export function tenancyLint(options = {}) {
  const files = options.files ?? ['**/*.{ts,tsx,js,mjs,cjs,mts,cts}'];
  const core = options.core ?? [];
  const entryPoints = options.entryPoints ?? [];
  const outside = options.outside ?? [];
  const tenantIdentifier = options.tenantIdentifier ?? 'tenantId';
  const kit = ['packages/tenancy/**', 'node_modules/@bulkhead/tenancy/**'];

  const privileged = {
    patterns: [
      {
        group: ['pg', '@prisma/adapter-pg'],
        message: 'Raw connections skip the tenant client. Use tenantDb() from the app’s tenancy module.',
      },
      {
        group: ['@bulkhead/tenancy/admin', '@bulkhead/tenancy/server'],
        message: 'Provisioning, migrations and the embedded server run with more than the runtime role: scripts and tests only.',
      },
      ...(options.restrictedImports ?? []),
      ...DEEP_IMPORT_PATTERNS,
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
    selector: `Identifier[name='${tenantIdentifier}']`,
    message: `Domain code never names a tenant id: the tenant comes from the context (tenantDb(), currentTenant()). See the app's tenancy module.`,
  };

  return [
    {
      name: '@bulkhead/tenancy/domain',
      files,
      ignores: [...kit, ...core, ...outside, ...entryPoints],
      rules: {
        'no-restricted-imports': ['error', privileged],
        'no-restricted-syntax': ['error', noCacheDirective, noTenantId],
      },
    },
    {
      name: '@bulkhead/tenancy/entry-points',
      files: entryPoints.length ? entryPoints : ['__no_entry_points__'],
      ignores: [...kit, ...outside],
      rules: {
        'no-restricted-imports': ['error', privileged],
        'no-restricted-syntax': ['error', noCacheDirective],
      },
    },
    {
      // The core and everything outside the app may use any module — but not the kit's internals.
      name: '@bulkhead/tenancy/no-deep-imports',
      files: [...core, ...outside],
      ignores: kit,
      rules: {
        'no-restricted-imports': ['error', { patterns: DEEP_IMPORT_PATTERNS }],
      },
    },
  ];
}
