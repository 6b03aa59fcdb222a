import type { APIRequestContext, Page } from '@playwright/test';

import { DEMO_TENANTS } from '../../lib/demo';
import { formatMoney } from '../../lib/money';
import { TENANT_PAGES, TENANT_ROUTE_HANDLERS } from '../leaks/registry';
import { expect, test, type Owner } from '../leaks/support/fixtures';
import { ACME, findCanaries, GLOBEX, HOOLI, INITECH, type TenantUnderTest } from '../leaks/support/tenants';
import { mailedMessage, unique } from '../support/auth';
import { ApiKeysPage } from '../support/pages';

// One pass over the tenants whose data lives apart from the shared tables (docs/tiers.md): Initech
// in a schema of its own, Hooli in a database of its own on a second server. Every tenant page,
// the main actions, the raw-SQL figures, the exports and the API work for each, on its own data.
// The seeded Acme and Globex are not touched; Initech and Hooli are written to only here (the leak
// suite aims at their seeded records only, e2e/leaks/support/tenants.ts).

const TIERED = [INITECH, HOOLI];
const RANGE = 'from=2020-01-01&to=2030-12-31&granularity=month';

const demoOf = (tenant: TenantUnderTest) => DEMO_TENANTS.find((t) => t.slug === tenant.slug)!;
/** Every canary of the tenants other than `tenant`, of any tier. */
const foreignCanaries = (tenant: TenantUnderTest) => [ACME, GLOBEX, INITECH, HOOLI].filter((t) => t !== tenant).flatMap((t) => t.canaries);
/** "$1,234.56" / "£-20.00" → minor units. */
const minor = (text: string) => Math.round(Number(text.replace(/[^0-9.-]/g, '')) * 100);

function expectOwnDataOnly(text: string, tenant: TenantUnderTest, what: string, showsCanary: boolean) {
  if (showsCanary) expect(findCanaries(text, tenant), `${what}: ${tenant.slug}'s own rows`).not.toEqual([]);
  expect(
    foreignCanaries(tenant).filter((c) => text.includes(c)),
    `${what}: rows of other tenants`,
  ).toEqual([]);
}

/** The report's three totals over the whole demo range, in minor units. */
async function reportTotals(page: Page, slug: string) {
  await page.goto(`/t/${slug}/reports?${RANGE}`);
  const read = async (id: string) => minor(await page.getByTestId(id).innerText());
  return { gross: await read('total-gross'), refunds: await read('total-refunds'), net: await read('total-net-revenue') };
}

/** The dashboard's month-to-date figures: orders, revenue and refunds (minor units). */
async function dashboard(page: Page, slug: string) {
  await page.goto(`/t/${slug}`);
  const read = async (id: string) => (await page.getByTestId(id).innerText()).trim();
  return {
    orders: Number((await read('stat-orders-this-month')).replace(/,/g, '')),
    revenue: minor(await read('stat-revenue-this-month')),
    refunds: minor(await read('stat-refunds-this-month')),
  };
}

/** Sends `data` (JSON) with the tenant's demo key; the answer's status and body. */
async function call(api: APIRequestContext, method: string, path: string, data?: unknown, headers?: Record<string, string>) {
  const response = await api.fetch(path, { method, data, headers });
  const text = await response.text();
  return { status: response.status(), text, json: () => JSON.parse(text) as Record<string, unknown>, headers: response.headers() };
}

for (const tenant of TIERED) {
  const demo = demoOf(tenant);
  const money = (minorUnits: number) => formatMoney(minorUnits, demo.currency);

  test.describe(`${tenant.slug} (${tenant.tier} tier)`, () => {
    test('every tenant page and export renders its own data, and settings names the tier', async ({ ownerOf, apiKey }) => {
      const { request, newPage } = await ownerOf(tenant);
      const { customerId, productId, paidOrderId } = await (await apiKey.demo(tenant)).records();
      const records = { customerId, productId, orderId: paidOrderId };
      for (const page of TENANT_PAGES) {
        const path = page.path(tenant, records);
        const response = await request.get(path);
        const html = await response.text();
        expect(response.status(), path).toBe(200);
        expect(html, path).not.toContain('data-testid="workspace-unavailable"');
        expectOwnDataOnly(html, tenant, path, page.showsCanary);
      }
      for (const route of TENANT_ROUTE_HANDLERS) {
        const response = await request.get(route.path(tenant));
        expect(response.status(), route.route).toBe(200);
        expectOwnDataOnly(await response.text(), tenant, route.route, route.showsCanary);
      }
      const tab = await newPage();
      await tab.goto(`/t/${tenant.slug}/settings`);
      const where = tenant.tier === 'schema' ? 'a schema of its own' : 'a database of its own';
      await expect(tab.getByTestId('placement')).toHaveText(`data in ${where}, region ${demo.region}`);
      // The region is the placement's, and a rule (docs/residency.md): Hooli's database is on a server in eu-central.
      await expect(tab.getByTestId('residency')).toContainText(`Pinned to ${demo.region}: this workspace's data stays in ${demo.region}.`);
    });

    test('customer → product → order → pay → refund, in the pages then the API, and the figures follow', async ({ ownerOf, apiKey }) => {
      test.slow(); // a dozen pages and actions, and two dozen API calls
      const owner = await ownerOf(tenant);
      const page = await owner.newPage();
      const { api } = await apiKey.demo(tenant);
      const base = `/t/${tenant.slug}`;
      const id = unique();
      const report = async () => {
        const answer = await call(api, 'GET', `/api/v1/reports/revenue?${RANGE}`);
        expect(answer.status).toBe(200);
        return answer.json() as { currency: string; totals: { gross: number; refunds: number; net: number; payments: number } };
      };
      const [figuresBefore, before] = [await dashboard(page, tenant.slug), await report()];
      expect(before.currency).toBe(demo.currency);

      await page.goto(`${base}/customers/new`);
      const customerForm = page.getByRole('form', { name: 'Customer' });
      await customerForm.getByLabel('Name').fill(`Dana ${id}`);
      await customerForm.getByLabel('Email').fill(`dana-${id}@buyer.test`);
      await customerForm.getByRole('button', { name: 'Create customer' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Dana ${id}`);

      await page.goto(`${base}/products/new`);
      const productForm = page.getByRole('form', { name: 'Product' });
      await productForm.getByLabel('SKU').fill(`TIER-${id}`);
      await productForm.getByLabel('Name').fill(`Widget ${id}`);
      await productForm.getByLabel(`Price (${demo.currency})`).fill('12.50');
      await productForm.getByRole('button', { name: 'Create product' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Widget ${id}`);

      await page.goto(`${base}/orders/new`);
      const orderForm = page.getByRole('form', { name: 'Order' });
      const pick = async (label: string, text: string) => {
        const select = orderForm.getByLabel(label);
        await select.selectOption((await select.locator('option', { hasText: text }).getAttribute('value'))!);
      };
      await pick('Customer', `dana-${id}@buyer.test`);
      await pick('Product of line 1', `TIER-${id}`);
      await orderForm.getByLabel('Quantity of line 1').fill('4');
      await expect(orderForm.getByTestId('order-total')).toHaveText(money(5000));
      await orderForm.getByRole('button', { name: 'Create order' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Order #\d+$/);
      await expect(page.getByTestId('status').first()).toHaveText('pending');

      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Mark paid' }).click();
      await expect(page.getByTestId('paid')).toHaveText(money(5000));
      const refund = page.getByRole('form', { name: 'Refund' });
      await refund.getByLabel(`Refund amount (${demo.currency})`).fill('20');
      await refund.getByLabel('Reason').fill('Damaged');
      await refund.getByRole('button', { name: 'Refund' }).click();
      await expect(page.getByTestId('refunded')).toHaveText(money(2000));
      await expect(page.getByTestId('status').first()).toHaveText('partially refunded');

      // The dashboard and the report are raw SQL in the tenant's placement: they count the new order.
      const figures = await dashboard(page, tenant.slug);
      expect(figures).toEqual({
        orders: figuresBefore.orders + 1,
        revenue: figuresBefore.revenue + 3000,
        refunds: figuresBefore.refunds + 2000,
      });
      const paged = await report();
      expect(paged.totals).toMatchObject({
        gross: before.totals.gross + 5000,
        refunds: before.totals.refunds + 2000,
        net: before.totals.net + 3000,
        payments: before.totals.payments + 1,
      });
      const totals = await reportTotals(page, tenant.slug);
      expect(totals).toEqual({ gross: paged.totals.gross, refunds: paged.totals.refunds, net: paged.totals.net });
      const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
      const csv = await owner.request.get(csvHref!);
      expect(csv.headers()['content-type']).toContain('text/csv');
      // Where the data came from travels with the file, outside its rows.
      expect(csv.headers()['data-region']).toBe(demo.region);
      expect(csv.headers()['content-disposition']).toContain(`-region-${demo.region}.csv`);
      const total = (await csv.text()).trim().split('\r\n').at(-1)!.split(',');
      expect(total.slice(0, 4).map((cell) => (cell === 'total' ? cell : Math.round(Number(cell) * 100)))).toEqual([
        'total',
        totals.gross,
        totals.refunds,
        totals.net,
      ]);

      // The same story through the API, with the tenant's demo key.
      for (const list of ['/api/v1/orders', '/api/v1/customers', '/api/v1/products']) {
        const answer = await call(api, 'GET', list);
        expect(answer.status, list).toBe(200);
        expectOwnDataOnly(answer.text, tenant, list, true);
      }

      // A creation with an Idempotency-Key (kept in the tenant's placement) is replayed, not repeated.
      const customerBody = { name: `Api ${id}`, email: `api-${id}@buyer.test` };
      const created = await call(api, 'POST', '/api/v1/customers', customerBody, { 'Idempotency-Key': `tiers-${id}` });
      expect(created.status, created.text).toBe(201);
      const customer = created.json() as { id: string; version: number };
      const replayed = await call(api, 'POST', '/api/v1/customers', customerBody, { 'Idempotency-Key': `tiers-${id}` });
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect((replayed.json() as { id: string }).id).toBe(customer.id);
      const found = await call(api, 'GET', `/api/v1/customers?search=api-${id}`);
      expect((found.json() as { data: { id: string }[] }).data.map((c) => c.id)).toEqual([customer.id]);
      const edited = await call(api, 'PATCH', `/api/v1/customers/${customer.id}`, { version: customer.version, company: 'Tiers Ltd' });
      expect(edited.status, edited.text).toBe(200);
      expect((await call(api, 'GET', `/api/v1/customers/${customer.id}`)).json()).toMatchObject({
        company: 'Tiers Ltd',
        version: customer.version + 1,
      });

      const madeProduct = await call(api, 'POST', '/api/v1/products', { sku: `API-${id}`, name: `Gadget ${id}`, unitPrice: 1250 });
      expect(madeProduct.status, madeProduct.text).toBe(201);
      const product = madeProduct.json() as { id: string; version: number };
      const renamed = await call(api, 'PATCH', `/api/v1/products/${product.id}`, { version: product.version, name: `Gadget ${id} v2` });
      expect(renamed.status, renamed.text).toBe(200);
      expect((await call(api, 'GET', `/api/v1/products/${product.id}`)).json()).toMatchObject({ name: `Gadget ${id} v2` });

      const lines = [{ productId: product.id, quantity: 3 }];
      const placed = await call(api, 'POST', '/api/v1/orders', { customerId: customer.id, lines });
      expect(placed.status, placed.text).toBe(201);
      const order = placed.json() as { id: string; version: number; total: number; status: string };
      expect(order).toMatchObject({ status: 'pending', total: 3750 });
      const noted = await call(api, 'PATCH', `/api/v1/orders/${order.id}`, { version: order.version, notes: 'Leave at the door' });
      expect(noted.status, noted.text).toBe(200);
      const byCustomer = await call(api, 'GET', `/api/v1/orders?customerId=${customer.id}`);
      expect((byCustomer.json() as { data: { id: string }[] }).data.map((o) => o.id)).toEqual([order.id]);
      const paid = await call(api, 'POST', `/api/v1/orders/${order.id}/pay`, { method: 'card' });
      expect(paid.status, paid.text).toBe(200);
      const refunded = await call(api, 'POST', `/api/v1/orders/${order.id}/refund`, { amount: 1250, reason: 'One broke' });
      expect(refunded.status, refunded.text).toBe(200);
      expect((await call(api, 'GET', `/api/v1/orders/${order.id}`)).json()).toMatchObject({
        status: 'partially_refunded',
        notes: 'Leave at the door',
        paid: 3750,
        refunded: 1250,
        refundable: 2500,
      });

      const second = await call(api, 'POST', '/api/v1/orders', { customerId: customer.id, lines });
      expect(second.status, second.text).toBe(201);
      const cancelled = await call(api, 'POST', `/api/v1/orders/${(second.json() as { id: string }).id}/cancel`);
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });

      expect((await report()).totals).toMatchObject({
        gross: paged.totals.gross + 3750,
        refunds: paged.totals.refunds + 1250,
        payments: paged.totals.payments + 1,
      });
    });

    test('settings, members, API keys and plan change, with both homes of the audit log', async ({ ownerOf }) => {
      test.slow(); // a dozen pages and actions
      const owner: Owner = await ownerOf(tenant);
      const page = await owner.newPage();
      const base = `/t/${tenant.slug}`;
      const id = unique();

      // Tenant data (its placement's audit trail) and control-plane data (the central one).
      await page.goto(`${base}/customers/new`);
      const customer = page.getByRole('form', { name: 'Customer' });
      await customer.getByLabel('Name').fill(`Audited ${id}`);
      await customer.getByLabel('Email').fill(`audited-${id}@buyer.test`);
      await customer.getByRole('button', { name: 'Create customer' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Audited ${id}`);
      const keys = new ApiKeysPage(page, tenant.slug);
      const key = await keys.create(`Tier key ${id}`);
      // The new key reaches the tenant's data; revoked, nothing.
      const withKey = { headers: { Authorization: `Bearer ${key}` } };
      const listed = await owner.request.get('/api/v1/products', withKey);
      expect(listed.status()).toBe(200);
      expectOwnDataOnly(await listed.text(), tenant, 'the new key', true);
      const row = page.getByTestId('api-key-row').filter({ hasText: `Tier key ${id}` });
      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: 'Revoke' }).click();
      await expect(row).toContainText('Revoked');
      expect((await owner.request.get('/api/v1/products', withKey)).status()).toBe(401);

      // Settings: the tenant row is the control plane's. Renamed, then back.
      await page.goto(`${base}/settings`);
      const settings = page.getByRole('form', { name: 'Workspace settings' });
      for (const name of [`${demo.name} ${id}`, demo.name]) {
        await settings.getByLabel('Workspace name').fill(name);
        await settings.getByRole('button', { name: 'Save settings' }).click();
        await expect(page.getByText('Settings saved.')).toBeVisible();
        await expect(page.getByTestId('current-tenant').first()).toHaveText(name);
      }

      // A member invited (the mail goes out), then the invitation withdrawn.
      const invitee = `joiner-${id}@flows.test`;
      await page.goto(`${base}/members`);
      const invite = page.getByRole('form', { name: 'Invite a member' });
      await invite.getByLabel('Email').fill(invitee);
      await invite.getByRole('button', { name: 'Send invitation' }).click();
      await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${invitee}.`);
      expect((await mailedMessage(invitee)).text).toContain(demo.name);
      const pending = page.getByRole('listitem').filter({ hasText: invitee });
      page.once('dialog', (dialog) => void dialog.accept());
      await pending.getByRole('button', { name: 'Withdraw' }).click();
      await expect(pending).toHaveCount(0);

      // The plan: moved, then back, where the plan allows the tier. A workspace in a database of its
      // own is offered no plan below Enterprise (the plan decides the tier; docs/tiers.md).
      await page.goto(`${base}/settings/billing`);
      const plan = (await page.getByTestId('current-plan').innerText()).trim();
      const otherPlan = plan === 'Pro' ? 'Enterprise' : 'Pro';
      const planMoves = tenant.tier !== 'database';
      if (planMoves) {
        for (const to of [otherPlan, plan]) {
          page.once('dialog', (dialog) => void dialog.accept());
          await page.getByRole('button', { name: `Switch to ${to}` }).click();
          await expect(page.getByTestId('current-plan')).toHaveText(to);
        }
      } else {
        await expect(page.getByTestId('plan-pro-unavailable')).toHaveText('Not for this workspace’s own database');
        await expect(page.getByRole('button', { name: 'Switch to Pro' })).toHaveCount(0);
      }
      await expect(page.getByTestId('plan-free-unavailable')).toBeVisible();

      // One log, two homes: the customer's event is in the tenant's placement, the others in the
      // control plane. The owner's own events, so another test's API calls cannot push them off the page.
      await page.goto(`${base}/audit?actor=${encodeURIComponent(tenant.owner)}`);
      const rows = page.getByRole('row');
      for (const [action, detail] of [
        ['customer.created', `Audited ${id}`],
        ['api_key.created', `Tier key ${id}`],
        ['api_key.revoked', ''],
        ['tenant.settings_updated', `${demo.name} ${id}`],
        ['member.invited', invitee],
        ['member.invitation_revoked', ''],
        ...(planMoves ? [['billing.plan_changed', '']] : []),
      ]) {
        await expect(rows.filter({ hasText: action }).filter({ hasText: detail }).first(), `${action} ${detail}`).toBeVisible();
      }
    });
  });
}
