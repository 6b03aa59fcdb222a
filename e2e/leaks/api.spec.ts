import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { DEMO_API_KEYS } from '../../lib/demo';
import { API_ROUTES, type ApiRecords, type ApiRouteCase } from './registry';
import { ACME, findCanaries, GLOBEX, other, type TenantUnderTest } from './support/tenants';

// The REST API attacked with the other tenant's ids, each tenant in turn, with the demo API keys:
// every route answers its positive control with the caller's own records, and with the other
// tenant's records answers 404 (or names the forged field), shows none of that tenant's canaries
// and leaves its record exactly as it was — read with that tenant's own key before and after.

const keyOf = (tenant: TenantUnderTest) => DEMO_API_KEYS.find((k) => k.tenant === tenant.slug && k.scope === 'read_write')!.key;
const clients = new Map<string, APIRequestContext>();
const records = new Map<string, ApiRecords>();

async function discover(api: APIRequestContext, tenant: TenantUnderTest): Promise<ApiRecords> {
  const orders = await api.get('/api/v1/orders?status=paid');
  expect(orders.status(), `listing ${tenant.slug}'s paid orders with its demo key`).toBe(200);
  const order = ((await orders.json()) as { data: { id: string; customer: { id: string } }[] }).data[0];
  const products = await api.get('/api/v1/products');
  const product = ((await products.json()) as { data: { id: string }[] }).data[0];
  if (!order || !product) throw new Error(`the demo seed of ${tenant.slug} has no paid order or product`);
  return { paidOrderId: order.id, customerId: order.customer.id, productId: product.id };
}

test.beforeAll(async ({ baseURL }) => {
  for (const tenant of [ACME, GLOBEX]) {
    const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${keyOf(tenant)}` } });
    clients.set(tenant.slug, api);
    records.set(tenant.slug, await discover(api, tenant));
  }
});
test.afterAll(async () => {
  for (const api of clients.values()) await api.dispose();
});

/** What the victim's own key reads of the record a case aims at. */
function victimView(c: ApiRouteCase, r: ApiRecords): string {
  if (c.route.startsWith('/api/v1/customers')) return `/api/v1/customers/${r.customerId}`;
  if (c.route.startsWith('/api/v1/products')) return `/api/v1/products/${r.productId}`;
  return `/api/v1/orders/${r.paidOrderId}`;
}

async function send(api: APIRequestContext, c: ApiRouteCase, r: ApiRecords, side: 'own' | 'foreign') {
  const body = c.body?.(r, side);
  const response = await api.fetch(c.path(r), { method: c.method, ...(body === undefined ? {} : { data: body }) });
  return { status: response.status(), text: await response.text(), type: response.headers()['content-type'] ?? '' };
}

for (const attacker of [ACME, GLOBEX]) {
  const victim = other(attacker);
  for (const c of API_ROUTES) {
    test(`${c.method} ${c.route}: ${attacker.slug}'s key gets its own data and nothing of ${victim.slug}'s`, async () => {
      const api = clients.get(attacker.slug)!;
      const victimApi = clients.get(victim.slug)!;
      const own = records.get(attacker.slug)!;
      const foreign = records.get(victim.slug)!;

      const control = await send(api, c, own, 'own');
      expect(control.status, `positive control with ${attacker.slug}'s own records: ${control.text.slice(0, 300)}`).toBe(c.own);
      if (c.showsCanary) expect(findCanaries(control.text, attacker)).not.toEqual([]);
      expect(findCanaries(control.text, victim)).toEqual([]);

      const before = await (await victimApi.get(victimView(c, foreign))).text();
      const attack = await send(api, c, foreign, 'foreign');
      expect(attack.status, `with ${victim.slug}'s records: ${attack.text.slice(0, 300)}`).toBe(c.foreign);
      expect(findCanaries(attack.text, victim)).toEqual([]);
      if (attack.status >= 400) expect(attack.type).toContain('application/problem+json');
      if (c.foreignField) expect(Object.keys((JSON.parse(attack.text) as { errors?: object }).errors ?? {})).toContain(c.foreignField);
      if (c.method === 'GET' && c.foreign === 200 && c.path(foreign).includes(foreign.customerId)) {
        expect((JSON.parse(attack.text) as { data: unknown[] }).data).toEqual([]);
      }
      expect(await (await victimApi.get(victimView(c, foreign))).text(), `${victim.slug}'s record after the attack`).toBe(before);
    });
  }
}

test('a key is the only thing that names the tenant: forged tenant headers change nothing', async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${keyOf(ACME)}`, 'x-tenant-id': 'globex', 'x-tenant': 'globex', 'x-forwarded-host': 'globex.localhost' },
  });
  const response = await api.get('/api/v1/customers');
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(findCanaries(text, ACME)).not.toEqual([]);
  expect(findCanaries(text, GLOBEX)).toEqual([]);
  await api.dispose();
});

test('unknown API paths and methods answer problem+json', async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${keyOf(ACME)}` } });
  const unknown = await api.get('/api/v1/invoices');
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()['content-type']).toContain('application/problem+json');
  const method = await api.delete('/api/v1/orders');
  expect(method.status()).toBe(405);
  expect(method.headers()['allow']).toBe('GET, POST');
  await api.dispose();
});
