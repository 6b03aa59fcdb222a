import { expect, test } from '@playwright/test';

test('the landing page explains the project and links to how isolation works', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Isolation is a property you prove, not a column you add.');
  await expect(page.getByText('npm install && npm run dev')).toBeVisible();
  await page.getByRole('link', { name: 'See how a request stays in its tenant' }).click();
  await expect(page.getByRole('heading', { name: 'How a request stays in its tenant' })).toBeInViewport();
  await expect(page.getByText('CREATE POLICY tenant_isolation ON orders')).toBeVisible();
});

test('an unknown page answers with the one 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
