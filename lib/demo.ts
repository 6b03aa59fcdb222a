// The demo accounts the seed creates. Listed on the sign-in page in demo mode: on in development,
// and on a public demo deployment with BULKHEAD_DEMO=1. Never on otherwise.

export const DEMO_PASSWORD = 'bulkhead-demo';

export const DEMO_ACCOUNTS = [
  { email: 'alice@acme.test', name: 'Alice Anders', memberships: [{ tenant: 'acme', role: 'owner' }] },
  { email: 'mark@acme.test', name: 'Mark Miller', memberships: [{ tenant: 'acme', role: 'member' }] },
  { email: 'vera@acme.test', name: 'Vera Vance', memberships: [{ tenant: 'acme', role: 'viewer' }] },
  { email: 'bob@globex.test', name: 'Bob Brandt', memberships: [{ tenant: 'globex', role: 'owner' }] },
  {
    email: 'sam@example.test',
    name: 'Sam Shared',
    memberships: [
      { tenant: 'acme', role: 'admin' },
      { tenant: 'globex', role: 'admin' },
    ],
  },
  { email: 'ivy@initech.test', name: 'Ivy Ito', memberships: [{ tenant: 'initech', role: 'owner' }] },
  { email: 'hal@hooli.test', name: 'Hal Hughes', memberships: [{ tenant: 'hooli', role: 'owner' }] },
] as const;

/**
 * The demo workspaces, one or more per isolation tier (docs/tiers.md): Acme and Globex in the
 * shared tables, Initech in a schema of its own, Hooli in a database of its own. Their regions are
 * rules (docs/residency.md): the first three live on the control plane's own server, `local`, in
 * eu-west (a fresh database's region); Hooli's database is on a server in eu-central.
 */
export const DEMO_TENANTS = [
  { slug: 'acme', name: 'Acme Corp', currency: 'USD', timezone: 'America/New_York', plan: 'pro', tier: 'shared', region: 'eu-west' },
  { slug: 'globex', name: 'Globex', currency: 'EUR', timezone: 'Europe/Berlin', plan: 'enterprise', tier: 'shared', region: 'eu-west' },
  { slug: 'initech', name: 'Initech', currency: 'USD', timezone: 'America/Chicago', plan: 'pro', tier: 'schema', region: 'eu-west' },
  { slug: 'hooli', name: 'Hooli', currency: 'GBP', timezone: 'Europe/London', plan: 'enterprise', tier: 'database', region: 'eu-central' },
] as const;

/**
 * Hooli's server under `npm run dev`: the dev PostgreSQL itself under a second target name, in
 * eu-central — one machine playing two regions, so the demo keeps the residency rule on a laptop.
 * (The browser tests use a second PostgreSQL, the target `second`.)
 */
export const DEV_DEDICATED_TARGET = 'fra1';

/**
 * Demo API keys, one read-write key per demo tenant, created by its owner. Public on purpose (the
 * README's curl examples use them), like the demo password: the seed runs only for local
 * development, tests and a demo deployment.
 */
export const DEMO_API_KEYS = [
  {
    tenant: 'acme',
    createdBy: 'alice@acme.test',
    name: 'Demo key (README examples)',
    scope: 'read_write',
    key: 'bk_demo_acme_read_write_0123456789abcdef',
  },
  {
    tenant: 'globex',
    createdBy: 'bob@globex.test',
    name: 'Demo key (README examples)',
    scope: 'read_write',
    key: 'bk_demo_globex_read_write_0123456789abcdef',
  },
  {
    tenant: 'initech',
    createdBy: 'ivy@initech.test',
    name: 'Demo key (README examples)',
    scope: 'read_write',
    key: 'bk_demo_initech_read_write_0123456789abcdef',
  },
  {
    tenant: 'hooli',
    createdBy: 'hal@hooli.test',
    name: 'Demo key (README examples)',
    scope: 'read_write',
    key: 'bk_demo_hooli_read_write_0123456789abcdef',
  },
  {
    tenant: 'acme',
    createdBy: 'alice@acme.test',
    name: 'Demo read-only key',
    scope: 'read',
    key: 'bk_demo_acme_read_only_0123456789abcdef',
  },
] as const;

export function demoMode(): boolean {
  return process.env.NODE_ENV === 'development' || process.env.BULKHEAD_DEMO === '1';
}

/**
 * Whether the demo API keys (`bk_demo_…`, public in the README) open anything. In production only
 * on a deployment that says it is a demo (BULKHEAD_DEMO=1): a production database seeded by
 * mistake must not answer to keys anyone can read. Development and tests accept them as before.
 */
export function demoApiKeysAccepted(): boolean {
  return process.env.NODE_ENV !== 'production' || process.env.BULKHEAD_DEMO === '1';
}

export const DEMO_KEY_PREFIX = 'bk_demo_';
