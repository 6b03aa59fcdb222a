import { expect, type Locator, type Page } from '@playwright/test';

// Page objects: how the specs drive the app's pages, in one place. Each wraps a Playwright page
// and names the forms, fields and buttons a person uses; none of them asserts anything about
// tenant data — the specs do. Locators are the accessible names the pages give their controls.

/** Points a hidden or select field of a form at another value, as a crafted request would. */
export async function tamper(field: Locator, value: string) {
  await field.evaluate((element, v) => {
    const input = element as HTMLInputElement | HTMLSelectElement;
    if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === v)) input.add(new Option(v, v));
    input.value = v;
  }, value);
}

/** /sign-in: the credentials form. */
export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email');
    this.password = page.getByLabel('Password');
    this.submit = page.getByRole('button', { name: 'Sign in' });
  }

  async goto() {
    await this.page.goto('/sign-in');
  }

  /**
   * Fills and submits the form, then waits for the answer — a new page, or the form's message — so
   * that whatever the caller does next (often a goto) cannot cancel the submission in flight. The
   * way on passes /sign-in/two-factor, which stays only for an account with two-factor on.
   */
  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
    const answer = this.page.locator('form').getByRole('alert');
    const codeForm = this.page.getByRole('form', { name: 'Two-factor code' });
    await expect
      .poll(
        async () => {
          if ((await answer.count()) > 0) return true;
          const path = new URL(this.page.url()).pathname;
          if (path === '/sign-in') return false;
          return path !== '/sign-in/two-factor' || (await codeForm.count()) > 0;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
  }
}

export type RecordKind = 'orders' | 'customers' | 'products';

/** A tenant's list page: /t/<slug>/orders, /customers or /products. */
export class ListPage {
  constructor(
    readonly page: Page,
    readonly slug: string,
    readonly kind: RecordKind,
  ) {}

  get path() {
    return `/t/${this.slug}/${this.kind}`;
  }

  /** Opens the list, with `query` (e.g. { status: 'paid' }) as its filters. */
  async goto(query: Record<string, string> = {}) {
    const search = new URLSearchParams(query).toString();
    return this.page.goto(search ? `${this.path}?${search}` : this.path);
  }

  /** The list searched for `term`, the way its search box sends it. */
  async search(term: string) {
    return this.goto({ q: term });
  }

  /** The hrefs of the links to this tenant's records of this kind on the page. */
  async recordHrefs(): Promise<string[]> {
    return this.page.locator(`a[href*="${this.path}/"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  }

  /** The href of the first record link whose path starts with `prefix` (after the list's path), if any. */
  async firstRecordHref(prefix = ''): Promise<string | null> {
    return this.page.locator(`a[href*="${this.path}/${prefix}"]`).first().getAttribute('href');
  }
}

/** A customer's or product's page: the edit form and the archive button. */
export class RecordPage {
  readonly form: Locator;
  readonly archiveForm: Locator;

  constructor(
    readonly page: Page,
    readonly slug: string,
    readonly kind: 'customers' | 'products',
  ) {
    this.form = page.getByRole('form', { name: kind === 'customers' ? 'Customer' : 'Product' });
    this.archiveForm = page.locator('form').filter({ has: page.getByRole('button', { name: /Archive|Restore/ }) });
  }

  async goto(id: string) {
    return this.page.goto(`/t/${this.slug}/${this.kind}/${id}`);
  }

  /** The edit form, pointed at record `id` (a crafted request), renamed and saved. */
  async saveAs(id: string, name: string) {
    await tamper(this.form.locator('input[name="id"]'), id);
    await this.form.getByLabel('Name').fill(name);
    await this.form.getByRole('button', { name: 'Save changes' }).click();
  }

  /** The archive (or restore) button, pointed at record `id`, confirmed. */
  async archiveAs(id: string) {
    await tamper(this.archiveForm.locator('input[name="id"]'), id);
    this.page.once('dialog', (dialog) => dialog.accept());
    await this.archiveForm.getByRole('button').click();
  }
}

/** An order's page: its state buttons (Mark paid, Cancel order) and the refund form. */
export class OrderPage {
  readonly refundForm: Locator;

  constructor(
    readonly page: Page,
    readonly slug: string,
  ) {
    this.refundForm = page.getByRole('form', { name: 'Refund' });
  }

  async goto(pathOrId: string) {
    return this.page.goto(pathOrId.startsWith('/') ? pathOrId : `/t/${this.slug}/orders/${pathOrId}`);
  }

  /** The form of the state button labelled `label`. */
  actionForm(label: string): Locator {
    return this.page.locator('form').filter({ has: this.page.getByRole('button', { name: label }) });
  }

  /** The state button `label`, pointed at order `id`, confirmed. */
  async actAs(label: string, id: string): Promise<Locator> {
    const form = this.actionForm(label);
    await tamper(form.locator('input[name="id"]'), id);
    this.page.once('dialog', (dialog) => dialog.accept());
    await form.getByRole('button', { name: label }).click();
    return form;
  }

  /** The refund form, pointed at order `id`, for `amount`. */
  async refundAs(id: string, amount: string) {
    await tamper(this.refundForm.locator('input[name="id"]'), id);
    await this.refundForm.getByLabel(/Refund amount/).fill(amount);
    await this.refundForm.getByRole('button', { name: 'Refund' }).click();
  }
}

/** The order form: /t/<slug>/orders/new and /t/<slug>/orders/<id>/edit. */
export class OrderFormPage {
  readonly form: Locator;
  readonly customer: Locator;
  readonly firstProduct: Locator;

  constructor(
    readonly page: Page,
    readonly slug: string,
  ) {
    this.form = page.getByRole('form', { name: 'Order' });
    this.customer = this.form.getByLabel('Customer');
    this.firstProduct = this.form.getByLabel('Product of line 1');
  }

  async gotoNew() {
    return this.page.goto(`/t/${this.slug}/orders/new`);
  }

  /** The edit page of the order at `orderPath` (/t/<slug>/orders/<id>). */
  async gotoEdit(orderPath: string) {
    return this.page.goto(`${orderPath}/edit`);
  }

  async create() {
    await this.form.getByRole('button', { name: 'Create order' }).click();
  }

  /** The edit form, pointed at order `id` (a crafted request), saved. */
  async saveAs(id: string) {
    await tamper(this.form.locator('input[name="id"]'), id);
    await this.form.getByRole('button', { name: 'Save order' }).click();
  }
}

/** /t/<slug>/customers/new: the new-customer form. */
export class NewCustomerPage {
  readonly form: Locator;
  readonly name: Locator;
  readonly email: Locator;
  readonly submit: Locator;

  constructor(
    readonly page: Page,
    readonly slug: string,
  ) {
    this.form = page.getByRole('form', { name: 'Customer' });
    this.name = this.form.getByLabel('Name');
    this.email = this.form.getByLabel('Email');
    this.submit = this.form.getByRole('button', { name: 'Create customer' });
  }

  async goto() {
    return this.page.goto(`/t/${this.slug}/customers/new`);
  }
}

/** /t/<slug>/settings/api-keys: creating a key, shown once. */
export class ApiKeysPage {
  constructor(
    readonly page: Page,
    readonly slug: string,
  ) {}

  async goto() {
    return this.page.goto(`/t/${this.slug}/settings/api-keys`);
  }

  /** Creates a key as the owner would; returns the key, shown once. */
  async create(name: string, scope: 'read' | 'read_write' = 'read_write'): Promise<string> {
    await this.goto();
    const form = this.page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Access').selectOption(scope);
    await form.getByRole('button', { name: 'Create key' }).click();
    return (await this.page.getByTestId('new-api-key').innerText()).trim();
  }
}
