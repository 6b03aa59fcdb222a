import type { APIRequestContext } from '@playwright/test';

import { API_ROUTES, type ApiRecords, type ApiRouteCase } from './registry';
import { expect, test } from './support/fixtures';
import { ACME, findCanaries, GLOBEX, other } from './support/tenants';

// The REST API attacked with the other tenant's ids, each tenant in turn, with the demo API keys:
// every route answers its positive control with the caller's own records, and with the other
// tenant's records answers 404 (or names the forged field), shows none of that tenant's canaries
// and leaves its record exactly as it was — read with that tenant's own key before and after.

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
    test(`${c.method} ${c.route}: ${attacker.slug}'s key gets its own data and nothing of ${victim.slug}'s`, async ({ apiKey }) => {
      const [attackerKey, victimKey] = [await apiKey.demo(attacker), await apiKey.demo(victim)];
      const [api, victimApi] = [attackerKey.api, victimKey.api];
      const [own, foreign] = [await attackerKey.records(), await victimKey.records()];

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

test('a key is the only thing that names the tenant: forged tenant headers change nothing', async ({ apiKey }) => {
  const api = await apiKey.open(apiKey.demoKey(ACME), {
    'x-tenant-id': 'globex',
    'x-tenant': 'globex',
    'x-forwarded-host': 'globex.localhost',
  });
  const response = await api.get('/api/v1/customers');
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(findCanaries(text, ACME)).not.toEqual([]);
  expect(findCanaries(text, GLOBEX)).toEqual([]);
});

test('unknown API paths and methods answer problem+json', async ({ apiKey }) => {
  const { api } = await apiKey.demo(ACME);
  const unknown = await api.get('/api/v1/invoices');
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()['content-type']).toContain('application/problem+json');
  const method = await api.delete('/api/v1/orders');
  expect(method.status()).toBe(405);
  expect(method.headers()['allow']).toBe('GET, POST');
});
