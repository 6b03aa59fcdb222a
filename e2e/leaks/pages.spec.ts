import type { Page } from '@playwright/test';

import { TENANT_PAGES, TENANT_ROUTE_HANDLERS } from './registry';
import { expect, test } from './support/fixtures';
import { ACME, captureResponses, findCanaries, GLOBEX, other, type TenantUnderTest } from './support/tenants';

// Slug swap and IDOR, in both directions, for every tenant page and route handler: the attacker's
// own page works and shows its own canary (positive control), the victim's page is the same 404
// as a page that does not exist, and no victim canary appears in the DOM or in any response.

test.describe.configure({ mode: 'parallel' });

for (const attacker of [ACME, GLOBEX]) {
  const victim = other(attacker);

  test.describe(`${attacker.slug} attacking ${victim.slug}`, () => {
    for (const page of TENANT_PAGES) {
      test(`page ${page.route}`, async ({ ownerOf, baseURL }) => {
        // In the control build (playwright.control.config.ts) this page leaks on purpose: the case
        // must fail there, or the suite is blind.
        test.fail(
          process.env.BULKHEAD_LEAK_CONTROL === '1' && page.route === '/t/[tenant]/customers',
          'control build: the customers page leaks on purpose',
        );
        const attackerOwner = await ownerOf(attacker);
        const [own, foreign] = [await attackerOwner.records(), await (await ownerOf(victim)).records()];
        const tab = await attackerOwner.newPage();
        const traffic = captureResponses(tab, baseURL!);

        const mine = await tab.goto(page.path(attacker, own));
        expect(mine?.status(), 'positive control: own page').toBe(200);
        if (page.showsCanary)
          expect(findCanaries(await tab.content(), attacker), 'positive control: own canary on the page').not.toEqual([]);

        await expectNotFound(tab, page.path(victim, foreign), victim);
        if (page.idor) await expectNotFound(tab, page.idor(attacker, foreign), victim);

        const leaked = (await traffic.bodies()).flatMap((body) => findCanaries(body, victim));
        expect(leaked, `${victim.slug} canaries in the responses of ${page.route}`).toEqual([]);
      });
    }

    for (const route of TENANT_ROUTE_HANDLERS) {
      test(`route ${route.route}`, async ({ ownerOf }) => {
        const { request } = await ownerOf(attacker);
        const mine = await request.get(route.path(attacker));
        expect(mine.status(), 'positive control: own export').toBe(200);
        const ownBody = await mine.text();
        if (route.showsCanary) expect(findCanaries(ownBody, attacker)).not.toEqual([]);
        expect(findCanaries(ownBody, victim)).toEqual([]);

        const theirs = await request.get(route.path(victim));
        expect(theirs.status()).toBe(404);
        expect(theirs.headers()['content-type']).toContain('application/problem+json');
        expect(findCanaries(await theirs.text(), victim)).toEqual([]);
      });
    }
  });
}

async function expectNotFound(tab: Page, path: string, victim: TenantUnderTest) {
  const response = await tab.goto(path);
  expect(response?.status(), `${path} must be 404`).toBe(404);
  await expect(tab.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  expect(findCanaries(await tab.content(), victim), `${victim.slug} canaries in the DOM of ${path}`).toEqual([]);
}
