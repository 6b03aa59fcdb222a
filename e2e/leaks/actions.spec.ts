import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { ACME, browserAs, discoverRecords, GLOBEX, type KnownRecords } from './support/tenants';

// Server actions attacked with the other tenant's ids in their form fields (IDOR) and nested
// references (an Acme order pointing at a Globex customer): each answers "no such …" or a field
// error, and the Globex record reads the same afterwards — checked by reading it, as Globex's own
// owner, before and after.

let alice: BrowserContext;
let bob: BrowserContext;
let acme: KnownRecords;
let globex: KnownRecords;

test.beforeAll(async ({ browser, baseURL }) => {
  alice = await browserAs(browser, baseURL!, ACME.owner);
  bob = await browserAs(browser, baseURL!, GLOBEX.owner);
  acme = await discoverRecords(await alice.newPage(), ACME);
  globex = await discoverRecords(await bob.newPage(), GLOBEX);
});
test.afterAll(async () => {
  await alice?.close();
  await bob?.close();
});

/** What Globex's owner sees on a page: the main content's text. */
async function globexView(path: string): Promise<string> {
  const page = await bob.newPage();
  await page.goto(path);
  const text = await page.locator('main').innerText();
  await page.close();
  return text;
}

/** Points a hidden or select field of a form at another value, as a crafted request would. */
async function tamper(field: Locator, value: string) {
  await field.evaluate((element, v) => {
    const input = element as HTMLInputElement | HTMLSelectElement;
    if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === v)) input.add(new Option(v, v));
    input.value = v;
  }, value);
}

async function firstOrderWithStatus(page: Page, status: string): Promise<string> {
  await page.goto(`/t/acme/orders?status=${status}`);
  const href = await page.locator('a[href*="/t/acme/orders/0"]').first().getAttribute('href');
  expect(href, `an Acme order with status ${status} in the demo seed`).toBeTruthy();
  return href!;
}

test('editing a customer with a Globex customer id changes nothing of Globex', async () => {
  const victimPath = `/t/globex/customers/${globex.customerId}`;
  const before = await globexView(victimPath);
  const page = await alice.newPage();
  await page.goto(`/t/acme/customers/${acme.customerId}`);
  const form = page.getByRole('form', { name: 'Customer' });
  await tamper(form.locator('input[name="id"]'), globex.customerId);
  await form.getByLabel('Name').fill('Pwned by Acme');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('alert').first()).toHaveText('No such customer.');
  expect(await globexView(victimPath)).toBe(before);
});

test('archiving a Globex customer from Acme changes nothing', async () => {
  const victimPath = `/t/globex/customers/${globex.customerId}`;
  const before = await globexView(victimPath);
  const page = await alice.newPage();
  await page.goto(`/t/acme/customers/${acme.customerId}`);
  const archive = page.locator('form').filter({ has: page.getByRole('button', { name: /Archive|Restore/ }) });
  await tamper(archive.locator('input[name="id"]'), globex.customerId);
  page.once('dialog', (dialog) => dialog.accept());
  await archive.getByRole('button').click();
  await expect(archive.getByRole('alert')).toHaveText('No such customer.');
  expect(await globexView(victimPath)).toBe(before);
});

test('editing a product with a Globex product id changes nothing of Globex', async () => {
  const victimPath = `/t/globex/products/${globex.productId}`;
  const before = await globexView(victimPath);
  const page = await alice.newPage();
  await page.goto(`/t/acme/products/${acme.productId}`);
  const form = page.getByRole('form', { name: 'Product' });
  await tamper(form.locator('input[name="id"]'), globex.productId);
  await form.getByLabel('Name').fill('Pwned by Acme');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('alert').first()).toHaveText('No such product.');
  expect(await globexView(victimPath)).toBe(before);
});

test('paying, cancelling, refunding or editing a Globex order from Acme changes nothing', async () => {
  const victimPath = `/t/globex/orders/${globex.orderId}`;
  const before = await globexView(victimPath);
  const page = await alice.newPage();

  await page.goto(await firstOrderWithStatus(page, 'pending'));
  for (const label of ['Mark paid', 'Cancel order']) {
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: label }) });
    await tamper(form.locator('input[name="id"]'), globex.orderId);
    page.once('dialog', (dialog) => dialog.accept());
    await form.getByRole('button', { name: label }).click();
    await expect(form.getByRole('alert')).toHaveText('No such order.');
  }

  await page.goto(await firstOrderWithStatus(page, 'paid'));
  const refund = page.getByRole('form', { name: 'Refund' });
  await tamper(refund.locator('input[name="id"]'), globex.orderId);
  await refund.getByLabel(/Refund amount/).fill('1');
  await refund.getByRole('button', { name: 'Refund' }).click();
  await expect(refund.getByRole('alert').first()).toHaveText('No such order.');

  const pending = await firstOrderWithStatus(page, 'pending');
  await page.goto(`${pending}/edit`);
  const edit = page.getByRole('form', { name: 'Order' });
  await tamper(edit.locator('input[name="id"]'), globex.orderId);
  await edit.getByRole('button', { name: 'Save order' }).click();
  await expect(edit.getByRole('alert').first()).toHaveText('No such order.');

  expect(await globexView(victimPath)).toBe(before);
});

test('an Acme order cannot reference a Globex customer or product', async () => {
  const page = await alice.newPage();
  await page.goto('/t/acme/orders/new');
  const form = page.getByRole('form', { name: 'Order' });
  await form.getByLabel('Product of line 1').selectOption({ index: 1 });
  await tamper(form.getByLabel('Customer'), globex.customerId);
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByText('Choose an active customer.')).toBeVisible();

  await form.getByLabel('Customer').selectOption({ index: 1 });
  await tamper(form.getByLabel('Product of line 1'), globex.productId);
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByText('Choose an active product.')).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/new$/);
});
