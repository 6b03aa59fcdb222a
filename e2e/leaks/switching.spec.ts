import { ListPage } from '../support/pages';
import { expect, test } from './support/fixtures';
import { ACME, findCanaries, GLOBEX } from './support/tenants';

// The user who belongs to both tenants switches back and forth quickly, in one tab and in two at
// once: no page ever shows the other tenant's rows (no stale cache, no race between requests).

test('switching between tenants never shows the other tenant’s data', async ({ member }) => {
  const page = await member.newPage();
  for (let round = 0; round < 5; round++) {
    for (const [tenant, otherTenant] of [
      [ACME, GLOBEX],
      [GLOBEX, ACME],
    ] as const) {
      await new ListPage(page, tenant.slug, 'customers').goto();
      const html = await page.content();
      expect(findCanaries(html, tenant), `${tenant.slug} round ${round}`).not.toEqual([]);
      expect(findCanaries(html, otherTenant), `${otherTenant.slug} data on ${tenant.slug}'s page`).toEqual([]);
    }
  }
});

test('two tabs of different tenants loading at the same time stay apart', async ({ member }) => {
  const [acmeTab, globexTab] = [await member.newPage(), await member.newPage()];
  const [acmeProducts, globexProducts] = [new ListPage(acmeTab, 'acme', 'products'), new ListPage(globexTab, 'globex', 'products')];
  for (let round = 0; round < 4; round++) {
    await Promise.all([acmeProducts.goto(), globexProducts.goto()]);
    const [acmeHtml, globexHtml] = [await acmeTab.content(), await globexTab.content()];
    expect(findCanaries(acmeHtml, GLOBEX)).toEqual([]);
    expect(findCanaries(globexHtml, ACME)).toEqual([]);
    expect(findCanaries(acmeHtml, ACME)).not.toEqual([]);
    expect(findCanaries(globexHtml, GLOBEX)).not.toEqual([]);
  }
});
