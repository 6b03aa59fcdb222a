import { unique } from '../support/auth';
import type { RowLock } from '../support/ops';
import { NewCustomerPage } from '../support/pages';
import { expect, test } from './support/fixtures';
import { ACME, captureResponses, findCanaries, GLOBEX } from './support/tenants';

// A workspace that holds its whole share of the shared pool gets 503s and a busy page — and
// nothing in them names, shows or waits on another workspace. Deterministic: the share is held by
// writes blocked behind a row lock taken outside the app (e2e/support/row-lock.ts), not by load.
//
// The held workspace is a fresh one, not the seeded Acme: every other spec reads Acme in parallel,
// and holding its share for the seconds this takes would make their requests wait and fail too.
// Moved to Pro by the ops role: a share of 4, and a statement limit (15 s) that outlasts the hold.

const SHARE = 4; // Pro, TENANT_POOL_SHARES default
const QUEUE_WAIT_MS = 5_000; // TENANT_QUEUE_WAIT_MS default: the e2e server keeps it
const BUSY = `already running ${SHARE} database operations at once, the most its plan allows`;

/** Nothing of the seeded workspaces: their canaries, and their names. */
function foreignIn(text: string): string[] {
  return [...findCanaries(text, ACME), ...findCanaries(text, GLOBEX), ...['Acme Corp', 'Globex'].filter((name) => text.includes(name))];
}

test('a workspace holding its whole share: 503 with Retry-After, a busy page and form, nothing of another workspace; another workspace is served meanwhile', async ({
  page,
  baseURL,
  newOwner,
  ops,
  apiKey,
}) => {
  test.setTimeout(120_000);
  const owner = await newOwner('Busy');
  await ops.query(`UPDATE tenants SET plan = 'pro' WHERE slug = $1`, [owner.slug]);

  // A read-write key, and the workspace's own order to hold.
  const api = await apiKey.open(await owner.createApiKey('Busy test'));
  // A client of its own (not the worker's shared one), so nothing else is in flight on it.
  const globex = await apiKey.open(apiKey.demoKey(GLOBEX));
  const created = async (path: string, data: unknown) => {
    const response = await api.post(path, { data });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()) as { id: string; number?: number };
  };
  const customer = await created('/api/v1/customers', { name: 'Held Customer', email: `held-${unique()}@example.test` });
  const product = await created('/api/v1/products', { sku: `HELD-${unique()}`, name: 'Held product', unitPrice: 700 });
  const order = await created('/api/v1/orders', { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] });
  // Warm: the key's last-used stamp and Globex's answer are not part of what is timed below.
  expect((await api.get('/api/v1/orders')).status()).toBe(200);
  expect((await globex.get('/api/v1/orders')).status()).toBe(200);

  // A form, open before the hold, submitted during it.
  const formTab = await page.context().newPage();
  const newCustomer = new NewCustomerPage(formTab, owner.slug);
  await newCustomer.goto();
  const customerForm = newCustomer.form;
  await newCustomer.name.fill('Typed During The Hold');
  await newCustomer.email.fill('typed@example.test');

  let lock: RowLock | undefined;
  let held: Promise<number[]> = Promise.resolve([]);
  try {
    lock = await ops.lockRow('orders', order.id);
    held = Promise.all(
      Array.from({ length: SHARE }, () =>
        api.post(`/api/v1/orders/${order.id}/cancel`, { data: {}, timeout: 60_000 }).then((r) => r.status()),
      ),
    );
    await lock.blocking(SHARE);

    const traffic = captureResponses(page, new URL(baseURL!).origin);
    const started = Date.now();
    const since = () => Date.now() - started;
    const [busy, calm, ordersPage] = await Promise.all([
      api.get('/api/v1/orders').then(async (r) => ({ r, text: await r.text(), ms: since() })),
      globex.get('/api/v1/orders').then(async (r) => ({ r, text: await r.text(), ms: since() })),
      page.goto(`/t/${owner.slug}/orders`).then(async (r) => ({ status: r?.status(), ms: since() })),
      (async () => {
        await newCustomer.submit.click();
        await expect(customerForm.getByRole('alert')).toContainText(`Your workspace is ${BUSY}`, { timeout: 30_000 });
      })(),
    ]);

    // (a) The API: a 503 problem with Retry-After, after the bounded wait, naming nothing foreign.
    expect(busy.r.status(), busy.text).toBe(503);
    expect(busy.r.headers()['content-type']).toBe('application/problem+json');
    expect(Number(busy.r.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(busy.text)).toMatchObject({ type: 'https://bulkhead.dev/problems/tenant_busy', status: 503 });
    expect(busy.text).toContain(BUSY);
    expect(busy.ms).toBeGreaterThanOrEqual(QUEUE_WAIT_MS - 100);
    expect(foreignIn(busy.text)).toEqual([]);

    // (b) Positive control: Globex is served while every slot of this workspace's share is held —
    // long before this workspace's bounded wait ends — and gets only its own rows.
    expect(calm.r.status(), calm.text).toBe(200);
    expect(calm.ms).toBeLessThan(QUEUE_WAIT_MS / 2);
    expect(findCanaries(calm.text, GLOBEX)).not.toEqual([]);
    expect(calm.text).not.toContain(customer.id);

    // (c) The page: its header and filters, the busy notice in place of the list (status 200: the
    // list streams behind Suspense after the status is sent), nothing of another workspace anywhere.
    expect(ordersPage.status).toBe(200);
    const notice = page.getByTestId('workspace-unavailable');
    await expect(notice).toContainText(`Your workspace is busy — it is ${BUSY}. Try again in a few seconds.`);
    await expect(page.getByRole('search', { name: 'Filter orders' })).toBeVisible();
    await expect(page.getByText('Something went wrong')).toHaveCount(0);
    expect(foreignIn(await page.content())).toEqual([]);
    expect((await traffic.bodies()).flatMap(foreignIn)).toEqual([]);

    // (d) The form: the busy detail as its error, and what was typed still there.
    await expect(newCustomer.name).toHaveValue('Typed During The Hold');
    await expect(newCustomer.email).toHaveValue('typed@example.test');
  } finally {
    // Released whatever happened above, so no other spec ever meets a held slot.
    await lock?.release();
  }
  // The held writes go through once released: one cancels the order, the others find it cancelled.
  expect((await held).sort()).toEqual([200, 409, 409, 409]);

  // The workspace works again: the list, the API, and the same form submitted as it was kept.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('link', { name: `#${order.number}` })).toBeVisible();
  await expect(page.getByTestId('workspace-unavailable')).toHaveCount(0);
  expect((await api.get('/api/v1/orders')).status()).toBe(200);
  await newCustomer.submit.click();
  await expect(formTab).toHaveURL(new RegExp(`/t/${owner.slug}/customers/[0-9a-f-]{36}$`));
  await expect(formTab.getByText('Typed During The Hold').first()).toBeVisible();
});
