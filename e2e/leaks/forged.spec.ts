import { expect, test } from './support/fixtures';
import { ACME, findCanaries, GLOBEX } from './support/tenants';

// Forged context: headers, cookies and tokens that name another tenant change nothing. The tenant
// comes from the URL and a membership check of the signed-in user, nothing else.

const FORGED_HEADERS = {
  'x-tenant-id': 'globex',
  'x-tenant': 'globex',
  'x-tenant-slug': 'globex',
  'x-forwarded-host': 'globex.localhost',
  'x-original-url': '/t/globex',
  'x-rewrite-url': '/t/globex',
};

test('headers naming another tenant have no effect', async ({ alice }) => {
  const { request } = alice;
  const own = await request.get('/t/acme/customers', { headers: FORGED_HEADERS });
  expect(own.status()).toBe(200);
  const body = await own.text();
  expect(findCanaries(body, ACME)).not.toEqual([]);
  expect(findCanaries(body, GLOBEX)).toEqual([]);
  const theirs = await request.get('/t/globex/customers', { headers: { ...FORGED_HEADERS, 'x-tenant-id': 'acme' } });
  expect(theirs.status()).toBe(404);
  expect(findCanaries(await theirs.text(), GLOBEX)).toEqual([]);
  const csv = await request.get('/t/globex/reports/revenue.csv?table=customers', { headers: FORGED_HEADERS });
  expect(csv.status()).toBe(404);
});

test('a cookie naming another tenant has no effect', async ({ signedIn, baseURL }) => {
  // A context of its own: the forged cookies must not reach any other test's session.
  const context = await signedIn(ACME.owner);
  await context.addCookies([
    { name: 'tenant', value: 'globex', url: baseURL! },
    { name: 'active-tenant', value: 'globex', url: baseURL! },
  ]);
  const page = await context.newPage();
  expect((await page.goto('/t/globex'))?.status()).toBe(404);
  await page.goto('/t/acme/customers');
  expect(findCanaries(await page.content(), GLOBEX)).toEqual([]);
  expect(findCanaries(await page.content(), ACME)).not.toEqual([]);
});

test('a tampered session token is no session at all', async ({ signedIn }) => {
  const context = await signedIn(ACME.owner);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.endsWith('authjs.session-token'))!;
  // Flip characters in the encrypted token: it must not decrypt, and the request is signed out.
  const tampered = session.value.slice(0, -12) + (session.value.endsWith('A') ? 'B' : 'A').repeat(12);
  await context.clearCookies();
  await context.addCookies([{ ...session, value: tampered }]);
  const page = await context.newPage();
  await page.goto('/t/acme');
  await expect(page).toHaveURL(/\/sign-in/);
});

test("another user's session acts with that user's rights only", async ({ bob }) => {
  const response = await bob.request.get('/t/acme/customers');
  expect(response.status()).toBe(404);
  expect(findCanaries(await response.text(), ACME)).toEqual([]);
});
