import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signUpOwner } from './support/auth';

// Every workspace page, scanned by axe as its owner sees it: no serious or critical violations.

async function expectAccessible(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(serious, `${path}\n${serious.join('\n')}`).toEqual([]);
}

test('every workspace page passes an axe scan', async ({ page }) => {
  test.setTimeout(90_000);
  const owner = await signUpOwner(page);
  const base = `/t/${owner.slug}`;
  // Data to show: one customer, one product, one order.
  await page.goto(`${base}/customers/new`);
  await page.getByLabel('Name').fill('Axe Customer');
  await page.getByLabel('Email').fill('axe@buyer.test');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Axe Customer');
  const customerPath = new URL(page.url()).pathname;
  await page.goto(`${base}/products/new`);
  await page.getByLabel('SKU').fill('AXE-1');
  await page.getByLabel('Name').fill('Axe Product');
  await page.getByLabel('Price (USD)').fill('9.99');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Axe Product');
  const productPath = new URL(page.url()).pathname;
  await page.goto(`${base}/orders/new`);
  await page.getByLabel('Customer').selectOption({ label: 'Axe Customer (axe@buyer.test)' });
  await page.getByLabel('Product of line 1').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create order' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Order #1001');
  const orderPath = new URL(page.url()).pathname;

  for (const path of [
    base,
    `${base}/orders`,
    `${base}/orders/new`,
    orderPath,
    `${orderPath}/edit`,
    `${base}/customers`,
    `${base}/customers/new`,
    customerPath,
    `${base}/products`,
    `${base}/products/new`,
    productPath,
    `${base}/reports`,
    `${base}/audit`,
    `${base}/members`,
    `${base}/settings`,
    '/account',
    '/tenants?all=1',
  ]) {
    await expectAccessible(page, path);
  }
});

test('the public pages pass an axe scan', async ({ page }) => {
  for (const path of ['/', '/sign-in', '/sign-up', '/forgot-password']) await expectAccessible(page, path);
});
