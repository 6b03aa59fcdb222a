import { signUpOwner, unique } from '../support/auth';
import { ApiKeysPage, NewCustomerPage } from '../support/pages';
import { expect, test } from './support/fixtures';
import { ACME, captureResponses, findCanaries, GLOBEX } from './support/tenants';

// A workspace whose move between tiers froze its writes (docs/moves.md) gets a 503 tenant_moving on
// an API write and the moving message in a form — and nothing in either names, shows or waits on
// another workspace. Its reads go on, and another workspace in the same shared tables writes as usual
// meanwhile. Deterministic: the freeze is the move's own fence and capture triggers, put up from
// outside the app (e2e/support/move-freeze.ts), not a move racing the test.
//
// The frozen workspace is a fresh one, not the seeded Acme or Globex: every other spec signs in to
// and reads those in parallel, and a freeze of their writes (sign-in audit events included) would
// fail them. The workspace beside it is fresh too: the leak suite never writes into the seeded ones.

const MOVING = 'Your workspace is moving to its new home. Back in a few seconds: nothing was changed; try again.';

test('a workspace frozen by its move: 503 tenant_moving with Retry-After: 2 on a write, the moving error in a form, reads answered, nothing of another workspace; another workspace writes meanwhile', async ({
  page,
  browser,
  baseURL,
  newOwner,
  ops,
  apiKey,
}) => {
  test.setTimeout(120_000);
  // The workspace beside it, signed up in a context of its own so that `page` stays the mover's owner's.
  const besideContext = await browser.newContext({ baseURL });
  const besidePage = await besideContext.newPage();
  const beside = await signUpOwner(besidePage, 'Beside');
  const besideApi = await apiKey.open(await new ApiKeysPage(besidePage, beside.slug).create('Beside test'));
  await besideContext.close();

  const owner = await newOwner('Moving');
  const api = await apiKey.open(await owner.createApiKey('Moving test'));
  const globex = await apiKey.open(apiKey.demoKey(GLOBEX));
  const before = await api.post('/api/v1/customers', { data: { name: 'Before The Move', email: `before-${unique()}@example.test` } });
  expect(before.status(), await before.text()).toBe(201);
  const besideCustomer = await besideApi.post('/api/v1/customers', {
    data: { name: 'Beside Customer', email: `beside-${unique()}@example.test` },
  });
  expect(besideCustomer.status(), await besideCustomer.text()).toBe(201);
  const besideId = ((await besideCustomer.json()) as { id: string }).id;

  /** Nothing of any other workspace: the seeded ones' canaries and names, the one beside it. */
  const foreignIn = (text: string): string[] => [
    ...findCanaries(text, ACME),
    ...findCanaries(text, GLOBEX),
    ...['Acme Corp', 'Globex', beside.workspace, beside.slug, besideId, 'Beside Customer'].filter((s) => text.includes(s)),
  ];

  // A form, open before the freeze, submitted during it.
  const formTab = await page.context().newPage();
  const newCustomer = new NewCustomerPage(formTab, owner.slug);
  await newCustomer.goto();
  await newCustomer.name.fill('Typed During The Move');
  await newCustomer.email.fill('typed-during-the-move@example.test');
  const request = {
    data: { name: 'Written During The Move', email: 'during-the-move@example.test' },
    headers: { 'Idempotency-Key': `moving-${unique()}` },
  };

  const freeze = await ops.freezeWrites(owner.slug);
  try {
    const traffic = captureResponses(formTab, new URL(baseURL!).origin);

    // (a) An API write: a 503 problem with Retry-After: 2, naming nothing foreign.
    const refused = await api.post('/api/v1/customers', request);
    const refusedText = await refused.text();
    expect(refused.status(), refusedText).toBe(503);
    expect(refused.headers()['content-type']).toBe('application/problem+json');
    expect(refused.headers()['retry-after']).toBe('2');
    expect(JSON.parse(refusedText)).toEqual({
      type: 'https://bulkhead.dev/problems/tenant_moving',
      title: 'Workspace moving',
      status: 503,
      detail: MOVING,
    });
    expect(foreignIn(refusedText)).toEqual([]);

    // (b) Its reads answer as usual, with its own rows only.
    const read = await api.get('/api/v1/customers');
    const readText = await read.text();
    expect(read.status(), readText).toBe(200);
    expect(readText).toContain('Before The Move');
    expect(foreignIn(readText)).toEqual([]);

    // (c) Positive control: the workspace beside it, in the same shared tables, writes meanwhile;
    // the seeded Globex reads its own rows. Neither sees anything of the frozen one.
    const written = await besideApi.post('/api/v1/customers', {
      data: { name: 'Written Beside The Move', email: `beside-during-${unique()}@example.test` },
    });
    const writtenText = await written.text();
    expect(written.status(), writtenText).toBe(201);
    expect(writtenText).not.toContain(owner.slug);
    const globexRead = await globex.get('/api/v1/orders');
    const globexText = await globexRead.text();
    expect(globexRead.status(), globexText).toBe(200);
    expect(findCanaries(globexText, GLOBEX)).not.toEqual([]);
    expect(globexText).not.toContain('Before The Move');

    // (d) The form: the moving message as its error, what was typed still there, nothing foreign.
    await newCustomer.submit.click();
    await expect(newCustomer.form.getByRole('alert')).toHaveText(MOVING);
    await expect(formTab).toHaveURL(new RegExp(`/t/${owner.slug}/customers/new$`));
    await expect(newCustomer.name).toHaveValue('Typed During The Move');
    await expect(newCustomer.email).toHaveValue('typed-during-the-move@example.test');
    await expect(formTab.getByText('Something went wrong')).toHaveCount(0);
    expect(foreignIn(await formTab.content())).toEqual([]);

    // (e) A page of the frozen workspace reads as usual.
    await page.goto(`/t/${owner.slug}/customers`);
    await expect(page.getByRole('link', { name: 'Before The Move' })).toBeVisible();
    await expect(page.getByTestId('workspace-unavailable')).toHaveCount(0);
    expect(foreignIn(await page.content())).toEqual([]);
    expect((await traffic.bodies()).flatMap(foreignIn)).toEqual([]);
  } finally {
    // Released whatever happened above, so that no other spec meets a frozen workspace.
    await freeze.release();
  }

  // The move is over: the same form, submitted as it was kept, saves; the refused POST, retried
  // with its Idempotency-Key, runs (it was never recorded).
  await newCustomer.submit.click();
  await expect(formTab).toHaveURL(new RegExp(`/t/${owner.slug}/customers/[0-9a-f-]{36}$`));
  await expect(formTab.getByText('Typed During The Move').first()).toBeVisible();
  const retried = await api.post('/api/v1/customers', request);
  expect(retried.status(), await retried.text()).toBe(201);
  expect(retried.headers()['idempotent-replayed']).toBeUndefined();
});
