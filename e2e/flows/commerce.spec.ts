import { expect, test } from '@playwright/test';

import { signUpOwner } from '../support/auth';

test('customer → product → order → pay → refund, and the report, dashboard and CSV agree', async ({ page }) => {
  test.slow(); // a whole story of a dozen pages and actions
  const owner = await signUpOwner(page);
  const base = `/t/${owner.slug}`;

  await page.goto(`${base}/customers/new`);
  const customer = page.getByRole('form', { name: 'Customer' });
  await customer.getByRole('button', { name: 'Create customer' }).click();
  await expect(customer.getByText('Enter name.')).toBeVisible(); // bad input: field errors, nothing written
  await customer.getByLabel('Name').fill('Dana Doe');
  await customer.getByLabel('Email').fill('dana@buyer.test');
  await customer.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dana Doe');

  await page.goto(`${base}/products/new`);
  const product = page.getByRole('form', { name: 'Product' });
  await product.getByLabel('SKU').fill('WID-1');
  await product.getByLabel('Name').fill('Widget');
  await product.getByLabel('Price (USD)').fill('twelve');
  await product.getByRole('button', { name: 'Create product' }).click();
  await expect(product.getByText('Price must be a number like 12.50.')).toBeVisible();
  await product.getByLabel('Price (USD)').fill('12.50');
  await product.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Widget');

  await page.goto(`${base}/orders/new`);
  const order = page.getByRole('form', { name: 'Order' });
  await order.getByLabel('Customer').selectOption({ label: 'Dana Doe (dana@buyer.test)' });
  await order.getByLabel('Product of line 1').selectOption({ label: 'Widget · WID-1 — $12.50' });
  await order.getByLabel('Quantity of line 1').fill('4');
  await expect(order.getByTestId('order-total')).toHaveText('$50.00');
  await order.getByRole('button', { name: 'Create order' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Order #1001');
  await expect(page.getByTestId('status').first()).toHaveText('pending');

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Mark paid' }).click();
  await expect(page.getByTestId('paid')).toHaveText('$50.00');

  const refund = page.getByRole('form', { name: 'Refund' });
  await refund.getByLabel('Refund amount (USD)').fill('60');
  await refund.getByRole('button', { name: 'Refund' }).click();
  await expect(refund.getByText('At most 50.00 can still be refunded.')).toBeVisible();
  await refund.getByLabel('Refund amount (USD)').fill('20');
  await refund.getByLabel('Reason').fill('Damaged');
  await refund.getByRole('button', { name: 'Refund' }).click();
  await expect(page.getByTestId('refunded')).toHaveText('$20.00');
  await expect(page.getByTestId('status').first()).toHaveText('partially refunded');

  await page.goto(`${base}/reports`);
  await expect(page.getByTestId('total-gross')).toHaveText('$50.00');
  await expect(page.getByTestId('total-refunds')).toHaveText('$20.00');
  await expect(page.getByTestId('total-net-revenue')).toHaveText('$30.00');

  const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await (await page.request.get(csvHref!)).text();
  const rows = csv
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
  expect(rows[0]).toEqual(['month_starting', 'gross_USD', 'refunds_USD', 'net_USD', 'payments', 'refunds_count']);
  expect(rows.at(-1)).toEqual(['total', '50.00', '20.00', '30.00', '1', '1']);
  const tableRows = await page.getByRole('table', { name: 'Revenue by period' }).locator('tbody tr').count();
  expect(rows.length).toBe(tableRows + 2); // header + one line per table row + total

  await page.goto(base);
  await expect(page.getByTestId('stat-revenue-this-month')).toHaveText('$30.00');
  await expect(page.getByTestId('stat-orders-this-month')).toHaveText('1');
  await expect(page.getByTestId('stat-refunds-this-month')).toHaveText('$20.00');
});
