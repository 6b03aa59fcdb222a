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
] as const;

export const DEMO_TENANTS = [
  { slug: 'acme', name: 'Acme Corp', currency: 'USD', timezone: 'America/New_York', plan: 'pro' },
  { slug: 'globex', name: 'Globex', currency: 'EUR', timezone: 'Europe/Berlin', plan: 'enterprise' },
] as const;

export function demoMode(): boolean {
  return process.env.NODE_ENV === 'development' || process.env.BULKHEAD_DEMO === '1';
}
