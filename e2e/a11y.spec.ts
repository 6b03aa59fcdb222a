import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContextOptions, type Page } from '@playwright/test';

import { ACME, apiSession, discoverRecords, type KnownRecords } from './leaks/support/tenants';

// Every workspace page, scanned by axe as the seeded Acme owner sees it (real volumes of data:
// long tables, the report's chart), in the light and the dark colour scheme: no serious or
// critical violations (colour contrast included). One test per page, so a slow machine spends each
// page's time on that page and a failure names it. The scans only read.

async function expectAccessible(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
  expect(serious, `${path}\n${serious.join('\n')}`).toEqual([]);
}

const base = `/t/${ACME.slug}`;
const WORKSPACE_PAGES: Array<[string, (r: KnownRecords) => string]> = [
  ['dashboard', () => base],
  ['orders', () => `${base}/orders`],
  ['new order', () => `${base}/orders/new`],
  ['order', (r) => `${base}/orders/${r.orderId}`],
  ['edit order', (r) => `${base}/orders/${r.orderId}/edit`],
  ['customers', () => `${base}/customers`],
  ['new customer', () => `${base}/customers/new`],
  ['customer', (r) => `${base}/customers/${r.customerId}`],
  ['products', () => `${base}/products`],
  ['new product', () => `${base}/products/new`],
  ['product', (r) => `${base}/products/${r.productId}`],
  ['revenue report', () => `${base}/reports`],
  ['audit log', () => `${base}/audit`],
  ['members', () => `${base}/members`],
  ['settings', () => `${base}/settings`],
  ['plan & usage', () => `${base}/settings/billing`],
  ['API keys', () => `${base}/settings/api-keys`],
  ['account', () => '/account'],
  // The enrolment view (QR code, key, code form); the code page of a pending sign-in is scanned in
  // e2e/flows/two-factor.spec.ts, which has a person half-way through signing in.
  ['two-factor', () => '/account/two-factor'],
  ['workspaces', () => '/tenants?all=1'],
];

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`workspace pages pass an axe scan (${colorScheme})`, () => {
    let records: KnownRecords;
    let signedIn: BrowserContextOptions['storageState'];

    // One sign-in per worker; each test opens its own browser context with that session.
    test.beforeAll(async ({ browser, baseURL }) => {
      const api = await apiSession(baseURL!, ACME.owner);
      signedIn = await api.storageState();
      await api.dispose();
      const context = await browser.newContext({ baseURL, storageState: signedIn });
      records = await discoverRecords(await context.newPage(), ACME);
      await context.close();
    });

    for (const [name, path] of WORKSPACE_PAGES) {
      test(name, async ({ browser, baseURL }) => {
        const context = await browser.newContext({ baseURL, storageState: signedIn, colorScheme });
        await expectAccessible(await context.newPage(), path(records));
        await context.close();
      });
    }
  });

  test.describe(`public pages pass an axe scan (${colorScheme})`, () => {
    test.use({ colorScheme });
    for (const path of ['/', '/sign-in', '/sign-up', '/forgot-password', '/docs/api']) {
      test(path, async ({ page }) => {
        await expectAccessible(page, path);
      });
    }
  });
}
