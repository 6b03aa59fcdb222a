import { ListPage, OrderFormPage, OrderPage, RecordPage, tamper } from '../support/pages';
import { expect, test } from './support/fixtures';

// Server actions attacked with the other tenant's ids in their form fields (IDOR) and nested
// references (an Acme order pointing at a Globex customer): each answers "no such …" or a field
// error, and the Globex record reads the same afterwards — checked by reading it, as Globex's own
// owner, before and after.

/** The path of the first Acme order with `status`, from the orders list filtered by it. */
async function firstOrderWithStatus(list: ListPage, status: string): Promise<string> {
  await list.goto({ status });
  const href = await list.firstRecordHref('0');
  expect(href, `an Acme order with status ${status} in the demo seed`).toBeTruthy();
  return href!;
}

test('editing a customer with a Globex customer id changes nothing of Globex', async ({ alice, bob }) => {
  const [acme, globex] = [await alice.records(), await bob.records()];
  const victimPath = `/t/globex/customers/${globex.customerId}`;
  const before = await bob.view(victimPath);
  const customer = new RecordPage(await alice.newPage(), 'acme', 'customers');
  await customer.goto(acme.customerId);
  await customer.saveAs(globex.customerId, 'Pwned by Acme');
  await expect(customer.form.getByRole('alert').first()).toHaveText('No such customer.');
  expect(await bob.view(victimPath)).toBe(before);
});

test('archiving a Globex customer from Acme changes nothing', async ({ alice, bob }) => {
  const [acme, globex] = [await alice.records(), await bob.records()];
  const victimPath = `/t/globex/customers/${globex.customerId}`;
  const before = await bob.view(victimPath);
  const customer = new RecordPage(await alice.newPage(), 'acme', 'customers');
  await customer.goto(acme.customerId);
  await customer.archiveAs(globex.customerId);
  await expect(customer.archiveForm.getByRole('alert')).toHaveText('No such customer.');
  expect(await bob.view(victimPath)).toBe(before);
});

test('editing a product with a Globex product id changes nothing of Globex', async ({ alice, bob }) => {
  const [acme, globex] = [await alice.records(), await bob.records()];
  const victimPath = `/t/globex/products/${globex.productId}`;
  const before = await bob.view(victimPath);
  const product = new RecordPage(await alice.newPage(), 'acme', 'products');
  await product.goto(acme.productId);
  await product.saveAs(globex.productId, 'Pwned by Acme');
  await expect(product.form.getByRole('alert').first()).toHaveText('No such product.');
  expect(await bob.view(victimPath)).toBe(before);
});

test('paying, cancelling, refunding or editing a Globex order from Acme changes nothing', async ({ alice, bob }) => {
  const globex = await bob.records();
  const victimPath = `/t/globex/orders/${globex.orderId}`;
  const before = await bob.view(victimPath);
  const page = await alice.newPage();
  const list = new ListPage(page, 'acme', 'orders');
  const order = new OrderPage(page, 'acme');

  await order.goto(await firstOrderWithStatus(list, 'pending'));
  for (const label of ['Mark paid', 'Cancel order']) {
    const form = await order.actAs(label, globex.orderId);
    await expect(form.getByRole('alert')).toHaveText('No such order.');
  }

  await order.goto(await firstOrderWithStatus(list, 'paid'));
  await order.refundAs(globex.orderId, '1');
  await expect(order.refundForm.getByRole('alert').first()).toHaveText('No such order.');

  const edit = new OrderFormPage(page, 'acme');
  await edit.gotoEdit(await firstOrderWithStatus(list, 'pending'));
  await edit.saveAs(globex.orderId);
  await expect(edit.form.getByRole('alert').first()).toHaveText('No such order.');

  expect(await bob.view(victimPath)).toBe(before);
});

test('an Acme order cannot reference a Globex customer or product', async ({ alice, bob }) => {
  const globex = await bob.records();
  const page = await alice.newPage();
  const order = new OrderFormPage(page, 'acme');
  await order.gotoNew();
  await order.firstProduct.selectOption({ index: 1 });
  await tamper(order.customer, globex.customerId);
  await order.create();
  await expect(order.form.getByText('Choose an active customer.')).toBeVisible();

  await order.customer.selectOption({ index: 1 });
  await tamper(order.firstProduct, globex.productId);
  await order.create();
  await expect(order.form.getByText('Choose an active product.')).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/new$/);
});
