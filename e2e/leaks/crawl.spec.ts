import { TENANT_PAGES } from './registry';
import { expect, test } from './support/fixtures';
import { ACME, captureResponses, findCanaries, GLOBEX, type TenantUnderTest } from './support/tenants';

// The canary crawl: as a tenant's owner, start at the dashboard, follow every same-origin link under
// /t/<slug> (a few per route, so pagination does not run forever), apply the orders status filter,
// open every <details> menu, and
// capture every response. The other tenant's canary must never appear — and the crawl must have
// reached every registered tenant page, or it proves nothing.

const PER_ROUTE = 3;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const routeOf = (pathname: string, slug: string) => pathname.replace(`/t/${slug}`, '/t/[tenant]').replace(UUID, '[id]');

for (const [owner, victim] of [
  [ACME, GLOBEX],
  [GLOBEX, ACME],
] as [TenantUnderTest, TenantUnderTest][]) {
  test(`crawl of ${owner.slug} never shows ${victim.slug}`, async ({ ownerOf, baseURL }) => {
    test.setTimeout(120_000);
    const page = await (await ownerOf(owner)).newPage();
    const traffic = captureResponses(page, baseURL!);
    // The orders filter a person would use to find an unpaid (editable) order, then the dashboard:
    // which orders are unpaid depends on the day the demo data was generated.
    const queue = [`/t/${owner.slug}/orders?status=pending`, `/t/${owner.slug}`];
    const seen = new Set<string>();
    const perRoute = new Map<string, number>();
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      for (const details of await page.locator('details').all()) await details.evaluate((d) => d.setAttribute('open', ''));
      expect(findCanaries(await page.content(), victim), `${victim.slug} canary on ${path}`).toEqual([]);
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of links) {
        const url = new URL(href);
        if (url.origin !== new URL(baseURL!).origin || !url.pathname.startsWith(`/t/${owner.slug}`)) continue;
        const target = url.pathname + url.search;
        const route = routeOf(url.pathname, owner.slug);
        if (seen.has(target) || url.pathname.endsWith('.csv')) continue;
        if ((perRoute.get(route) ?? 0) >= PER_ROUTE) continue;
        perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
        queue.push(target);
      }
    }
    const leaked = (await traffic.bodies()).flatMap((body) => findCanaries(body, victim));
    expect(leaked, `${victim.slug} canaries in responses`).toEqual([]);
    const reached = new Set([...seen].map((p) => routeOf(new URL(p, baseURL).pathname, owner.slug)));
    const unreached = TENANT_PAGES.map((p) => p.route).filter((route) => !reached.has(route));
    expect(unreached, `the crawl did not reach: ${unreached.join(', ')}`).toEqual([]);
  });
}
