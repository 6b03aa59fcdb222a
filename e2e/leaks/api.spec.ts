import { API_ROUTES } from './registry';
import { expectApiCaseHolds } from './support/api';
import { expect, test } from './support/fixtures';
import { ACME, findCanaries, GLOBEX, other } from './support/tenants';

// The REST API attacked with the other tenant's ids, each tenant in turn, with the demo API keys:
// every route answers its positive control with the caller's own records, and with the other
// tenant's records answers 404 (or names the forged field), shows none of that tenant's canaries
// and leaves its record exactly as it was — read with that tenant's own key before and after.

for (const attacker of [ACME, GLOBEX]) {
  const victim = other(attacker);
  for (const c of API_ROUTES) {
    test(`${c.method} ${c.route}: ${attacker.slug}'s key gets its own data and nothing of ${victim.slug}'s`, async ({ apiKey }) => {
      await expectApiCaseHolds(c, await apiKey.demo(attacker), await apiKey.demo(victim));
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
