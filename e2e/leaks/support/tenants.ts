import { request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { fromAddress } from '../../support/addresses';
import { ListPage, OrderPage } from '../../support/pages';

// Who attacks whom. The seeded Acme and Globex are read-only here: the leak suite only reads them,
// and its write attempts must be refused. Initech (a schema of its own) and Hooli (a database of its
// own) are written to by e2e/flows/tiers.spec.ts only, so the suite aims at their seeded records
// (`records: 'seeded'`), which that flow never touches. Canary markers are strings that exist only in one tenant's
// rows (customer notes, product SKUs, customer emails) — never in tenant or user names — so the
// two-tenant user's switcher cannot raise a false alarm.

export const PASSWORD = 'bulkhead-demo';

export interface TenantUnderTest {
  slug: 'acme' | 'globex' | 'initech' | 'hooli';
  name: string;
  owner: string;
  /** Where its data lives (docs/tiers.md; lib/demo.ts places the demo tenants). */
  tier: 'shared' | 'schema' | 'database';
  /** Strings that may appear only in this tenant's pages. */
  canaries: string[];
  /**
   * Records to aim at: the newest (the default), or `seeded` — the oldest orders and the products
   * carrying the canary — for a tenant that a flow writes to meanwhile (e2e/flows/tiers.spec.ts).
   */
  records?: 'newest' | 'seeded';
}

export const ACME: TenantUnderTest = {
  slug: 'acme',
  name: 'Acme Corp',
  owner: 'alice@acme.test',
  tier: 'shared',
  canaries: ['CANARY-ACME', '@acme.test'],
};
export const GLOBEX: TenantUnderTest = {
  slug: 'globex',
  name: 'Globex',
  owner: 'bob@globex.test',
  tier: 'shared',
  canaries: ['CANARY-GLOBEX', '@globex.test'],
};
/** In a schema of its own (t_initech) of the control-plane database. */
export const INITECH: TenantUnderTest = {
  slug: 'initech',
  name: 'Initech',
  owner: 'ivy@initech.test',
  tier: 'schema',
  canaries: ['CANARY-INITECH', '@initech.test'],
  records: 'seeded',
};
/** In a database of its own, on the second PostgreSQL server of scripts/e2e-server.ts. */
export const HOOLI: TenantUnderTest = {
  slug: 'hooli',
  name: 'Hooli',
  owner: 'hal@hooli.test',
  tier: 'database',
  canaries: ['CANARY-HOOLI', '@hooli.test'],
  records: 'seeded',
};
export const SHARED_USER = 'sam@example.test';

/** The other shared tenant: the pair the shared-tier specs attack each other with. */
export const other = (tenant: TenantUnderTest) => (tenant.slug === 'acme' ? GLOBEX : ACME);

/**
 * A signed-in API context for `email`, logged in through Auth.js's own endpoints (no UI). With
 * `address`, the context's requests come from that client address (e2e/support/addresses.ts).
 */
export async function apiSession(baseURL: string, email: string, password = PASSWORD, address?: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: address ? fromAddress(address) : undefined });
  const { csrfToken } = (await (await api.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await api.post('/api/auth/callback/credentials', {
    form: { email, password, csrfToken, callbackUrl: `${baseURL}/tenants` },
  });
  if (!response.ok()) throw new Error(`sign-in of ${email} failed: ${response.status()}`);
  const state = await api.storageState();
  if (!state.cookies.some((c) => c.name.endsWith('authjs.session-token'))) throw new Error(`sign-in of ${email} set no session cookie`);
  return api;
}

/** A browser context signed in as `email`. */
export async function browserAs(browser: Browser, baseURL: string, email: string): Promise<BrowserContext> {
  const api = await apiSession(baseURL, email);
  const context = await browser.newContext({ baseURL, storageState: await api.storageState() });
  await api.dispose();
  return context;
}

export interface KnownRecords {
  customerId: string;
  productId: string;
  orderId: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Ids of real records of `tenant`, read through its own owner's pages (specs import no database). */
export async function discoverRecords(page: Page, tenant: TenantUnderTest): Promise<KnownRecords> {
  const seeded = tenant.records === 'seeded';
  const first = async (kind: 'orders' | 'products', what: string) => {
    const list = new ListPage(page, tenant.slug, kind);
    await list.goto(seeded ? (kind === 'orders' ? { sort: 'placed_asc' } : { q: tenant.canaries[0]! }) : {});
    const id = (await list.recordHrefs()).map((href) => href.match(new RegExp(`/${kind}/(${UUID})`))?.[1]).find(Boolean);
    if (!id) throw new Error(`no ${what} found on ${list.path}: is the demo seed loaded?`);
    return id;
  };
  const orderId = await first('orders', 'order');
  const productId = await first('products', 'product');
  // The customer comes from an order's page rather than the customers list, so discovery still
  // works when that list is the page under test (the leak suite's control build breaks it).
  await new OrderPage(page, tenant.slug).goto(orderId);
  const customerHref = await page.locator(`a[href*="/t/${tenant.slug}/customers/"]`).first().getAttribute('href');
  const customerId = customerHref?.match(new RegExp(`/customers/(${UUID})`))?.[1];
  if (!customerId) throw new Error(`no customer link on order ${orderId} of ${tenant.slug}`);
  return { customerId, productId, orderId };
}

/** Collects the text of every same-origin response a page receives (HTML, RSC payloads, JSON, CSV). */
export function captureResponses(page: Page, origin: string): { bodies: () => Promise<string[]> } {
  const pending: Promise<string>[] = [];
  page.on('response', (response) => {
    if (!response.url().startsWith(origin)) return;
    pending.push(response.text().catch(() => ''));
  });
  return { bodies: () => Promise.all(pending) };
}

export function findCanaries(text: string, tenant: TenantUnderTest): string[] {
  return tenant.canaries.filter((canary) => text.includes(canary));
}
