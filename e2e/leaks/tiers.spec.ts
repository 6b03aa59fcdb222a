import type { APIRequestContext } from '@playwright/test';

import { OrderFormPage, OrderPage, RecordPage, tamper } from '../support/pages';
import { API_ROUTES, TENANT_PAGES, TENANT_ROUTE_HANDLERS } from './registry';
import { expectApiCaseHolds } from './support/api';
import { expect, test, type KeyClient } from './support/fixtures';
import { ACME, findCanaries, HOOLI, INITECH, type KnownRecords, type TenantUnderTest } from './support/tenants';

// The leak suite across isolation tiers (docs/tiers.md): a user of a tenant of each tier — Acme in
// the shared tables, Initech in a schema of its own, Hooli in a database of its own — attacks a
// tenant of each other tier through its pages, its server actions, the API and the exports. Every
// attack is refused as if the victim's record did not exist, no victim canary appears in any
// answer, and the victim's records read the same afterwards; every test first shows the attacker
// its own data (positive controls), so a test that sees nothing at all fails.

const TIERS = [ACME, INITECH, HOOLI];

/**
 * The forged server actions come in two halves, one per pair, to keep the matrix fast: each attacker
 * fires one half at the next tier in TIERS (cyclically) and the other half at the one after, so every
 * attacker fires both halves and every victim receives both (e2e/leaks/actions.spec.ts fires them
 * all between the shared tenants).
 */
const ACTION_HALF = (attacker: TenantUnderTest, victim: TenantUnderTest) =>
  (TIERS.indexOf(victim) - TIERS.indexOf(attacker) + TIERS.length) % TIERS.length === 1
    ? 'customers and orders'
    : 'products, refunds and nested references';

/** The records a test aims at, read with the tenant's demo key: seeded ones (tenants.ts). */
async function targetsOf(key: KeyClient) {
  const records = await key.records();
  const pending = await key.api.get('/api/v1/orders?status=pending&sort=placed_asc');
  expect(pending.status()).toBe(200);
  const pendingOrderId = ((await pending.json()) as { data: { id: string }[] }).data[0]?.id;
  if (!pendingOrderId) throw new Error(`the demo seed of ${key.tenant.slug} has no pending order`);
  const known: KnownRecords = { customerId: records.customerId, productId: records.productId, orderId: records.paidOrderId };
  return { ...records, pendingOrderId, known };
}

/** The victim's records as its own key reads them (every field, with its version and times). */
async function snapshot(api: APIRequestContext, t: Awaited<ReturnType<typeof targetsOf>>) {
  const paths = [
    `/api/v1/customers/${t.customerId}`,
    `/api/v1/products/${t.productId}`,
    `/api/v1/orders/${t.paidOrderId}`,
    `/api/v1/orders/${t.pendingOrderId}`,
  ];
  return Promise.all(
    paths.map(async (path) => {
      const response = await api.get(path);
      expect(response.status(), `the victim reads ${path}`).toBe(200);
      return response.text();
    }),
  );
}

for (const attacker of TIERS) {
  const victims = TIERS.filter((t) => t.tier !== attacker.tier);
  const named = (t: TenantUnderTest) => `${t.slug} (${t.tier})`;

  // Pages and exports: one test per attacker against both victims, each own page loaded once.
  test.describe(`${named(attacker)} attacking ${victims.map(named).join(' and ')}`, () => {
    test('pages: the victims’ slugs and record ids are a 404 that shows nothing of them', async ({ ownerOf, apiKey }) => {
      const { request } = await ownerOf(attacker);
      const own = (await targetsOf(await apiKey.demo(attacker))).known;
      const foreign = await Promise.all(victims.map(async (victim) => (await targetsOf(await apiKey.demo(victim))).known));
      const bodies: string[] = [];
      const get = async (path: string, status: number, what: string) => {
        const response = await request.get(path);
        const body = await response.text();
        bodies.push(body);
        expect(response.status(), `${what}: ${path}`).toBe(status);
        return body;
      };
      for (const page of TENANT_PAGES) {
        const mine = await get(page.path(attacker, own), 200, 'positive control: own page');
        if (page.showsCanary) expect(findCanaries(mine, attacker), `positive control: own canary on ${page.route}`).not.toEqual([]);
        for (const [i, victim] of victims.entries()) {
          expect(await get(page.path(victim, foreign[i]!), 404, `${victim.slug}’s slug`)).toContain('Page not found');
          if (page.idor) expect(await get(page.idor(attacker, foreign[i]!), 404, `${victim.slug}’s record id`)).toContain('Page not found');
        }
      }
      for (const victim of victims) {
        expect(
          bodies.flatMap((body) => findCanaries(body, victim)),
          `${victim.slug} canaries in the answers`,
        ).toEqual([]);
      }
    });

    test('exports: its own carry nothing of the victims, the victims’ are a 404', async ({ ownerOf }) => {
      const { request } = await ownerOf(attacker);
      for (const route of TENANT_ROUTE_HANDLERS) {
        const mine = await request.get(route.path(attacker));
        expect(mine.status(), 'positive control: own export').toBe(200);
        const ownBody = await mine.text();
        if (route.showsCanary) expect(findCanaries(ownBody, attacker), 'positive control: own canary').not.toEqual([]);
        for (const victim of victims) {
          expect(findCanaries(ownBody, victim)).toEqual([]);
          const theirs = await request.get(route.path(victim));
          expect(theirs.status(), `${victim.slug}’s export`).toBe(404);
          expect(theirs.headers()['content-type']).toContain('application/problem+json');
          expect(findCanaries(await theirs.text(), victim)).toEqual([]);
        }
      }
    });
  });

  for (const victim of victims) {
    test.describe(`${named(attacker)} attacking ${named(victim)}`, () => {
      test(`server actions (${ACTION_HALF(attacker, victim)}): the victim’s record ids in its own forms change nothing`, async ({
        ownerOf,
        apiKey,
      }) => {
        const [attackerKey, victimKey] = [await apiKey.demo(attacker), await apiKey.demo(victim)];
        const [own, foreign] = [await targetsOf(attackerKey), await targetsOf(victimKey)];
        const before = await snapshot(victimKey.api, foreign);
        const page = await (await ownerOf(attacker)).newPage();

        if (ACTION_HALF(attacker, victim) === 'customers and orders') {
          const customer = new RecordPage(page, attacker.slug, 'customers');
          await customer.goto(own.customerId);
          expect(findCanaries(await page.content(), attacker), 'positive control: own customer').not.toEqual([]);
          await customer.saveAs(foreign.customerId, `Pwned by ${attacker.slug}`);
          await expect(customer.form.getByRole('alert').first()).toHaveText('No such customer.');
          await customer.archiveAs(foreign.customerId);
          await expect(customer.archiveForm.getByRole('alert')).toHaveText('No such customer.');

          const order = new OrderPage(page, attacker.slug);
          await order.goto(own.pendingOrderId);
          for (const label of ['Mark paid', 'Cancel order']) {
            const form = await order.actAs(label, foreign.pendingOrderId);
            await expect(form.getByRole('alert')).toHaveText('No such order.');
          }
        } else {
          const product = new RecordPage(page, attacker.slug, 'products');
          await product.goto(own.productId);
          expect(findCanaries(await page.content(), attacker), 'positive control: own product').not.toEqual([]);
          await product.saveAs(foreign.productId, `Pwned by ${attacker.slug}`);
          await expect(product.form.getByRole('alert').first()).toHaveText('No such product.');

          const order = new OrderPage(page, attacker.slug);
          await order.goto(own.paidOrderId);
          await order.refundAs(foreign.paidOrderId, '1');
          await expect(order.refundForm.getByRole('alert').first()).toHaveText('No such order.');

          const form = new OrderFormPage(page, attacker.slug);
          await form.gotoNew();
          await form.firstProduct.selectOption({ index: 1 });
          await tamper(form.customer, foreign.customerId);
          await form.create();
          await expect(form.form.getByText('Choose an active customer.')).toBeVisible();
          await form.customer.selectOption({ index: 1 });
          await tamper(form.firstProduct, foreign.productId);
          await form.create();
          await expect(form.form.getByText('Choose an active product.')).toBeVisible();
          await expect(page).toHaveURL(/\/orders\/new$/);
        }

        expect(await snapshot(victimKey.api, foreign), `${victim.slug}'s records after the attacks`).toEqual(before);
      });

      test('API: its own key gets its own data and nothing of the victim’s, on every route', async ({ apiKey }) => {
        const [attackerKey, victimKey] = [await apiKey.demo(attacker), await apiKey.demo(victim)];
        for (const c of API_ROUTES) {
          await test.step(`${c.method} ${c.route}`, () => expectApiCaseHolds(c, attackerKey, victimKey));
        }
      });
    });
  }
}
