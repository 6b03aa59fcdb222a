import { expect, test } from '@playwright/test';
import { ACME, browserAs, findCanaries, GLOBEX, SHARED_USER } from './support/tenants';

// The user who belongs to both tenants switches back and forth quickly, in one tab and in two at
// once: no page ever shows the other tenant's rows (no stale cache, no race between requests).

test('switching between tenants never shows the other tenant’s data', async ({ browser, baseURL }) => {
  const context = await browserAs(browser, baseURL!, SHARED_USER);
  const page = await context.newPage();
  for (let round = 0; round < 5; round++) {
    for (const [tenant, otherTenant] of [[ACME, GLOBEX], [GLOBEX, ACME]] as const) {
      await page.goto(`/t/${tenant.slug}/customers`);
      const html = await page.content();
      expect(findCanaries(html, tenant), `${tenant.slug} round ${round}`).not.toEqual([]);
      expect(findCanaries(html, otherTenant), `${otherTenant.slug} data on ${tenant.slug}'s page`).toEqual([]);
    }
  }
  await context.close();
});

test('two tabs of different tenants loading at the same time stay apart', async ({ browser, baseURL }) => {
  const context = await browserAs(browser, baseURL!, SHARED_USER);
  const [acmeTab, globexTab] = [await context.newPage(), await context.newPage()];
  for (let round = 0; round < 4; round++) {
    await Promise.all([acmeTab.goto('/t/acme/products'), globexTab.goto('/t/globex/products')]);
    const [acmeHtml, globexHtml] = [await acmeTab.content(), await globexTab.content()];
    expect(findCanaries(acmeHtml, GLOBEX)).toEqual([]);
    expect(findCanaries(globexHtml, ACME)).toEqual([]);
    expect(findCanaries(acmeHtml, ACME)).not.toEqual([]);
    expect(findCanaries(globexHtml, GLOBEX)).not.toEqual([]);
  }
  await context.close();
});
