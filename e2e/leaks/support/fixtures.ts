import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import type pg from 'pg';

import { DEMO_API_KEYS } from '../../../lib/demo';
import { randomAddress } from '../../support/addresses';
import { signUpOwner } from '../../support/auth';
import { e2eOwnerUrl, freezeWrites, type Freeze } from '../../support/move-freeze';
import { e2eOpsUrl, lockRow, withOps, type RowLock } from '../../support/ops';
import { ApiKeysPage } from '../../support/pages';
import type { ApiRecords } from '../registry';
import { ACME, apiSession, discoverRecords, GLOBEX, SHARED_USER, type KnownRecords, type TenantUnderTest } from './tenants';

// The leak suite's actors as Playwright fixtures: declare what a test needs in its arguments —
// `alice`, `bob` (the seeded owners of Acme and Globex), `member` (Sam, of both), `apiKey`, `ops`,
// `newOwner` — instead of setting it up at the top of each test.
//
// What is shared, and why it is safe: each worker signs each seeded person in once (from an address
// of its own, so no sign-in throttle bucket of 127.0.0.1 or of another test is touched) and reads
// each tenant's record ids once (they only read: the suite's writes are built to be refused). What
// a test drives is its own: every test gets a fresh browser context holding that session's cookies,
// so cookies it forges or tampers with, tabs and caches die with it. Every context, request
// context or row lock a test made is closed after it; nothing of one test outlives it.
//
// (Each fixture's `use` callback is named `provide` here: the React hooks lint rule takes `use(…)` for React's.)

export interface Person {
  email: string;
  /** A signed-in browser context of this test's own (the worker's session cookies), closed after it. */
  context: BrowserContext;
  /** Requests with this person's session cookies, outside any tab. */
  request: APIRequestContext;
  /** A new tab of that context. */
  newPage(): Promise<Page>;
}

export interface Owner extends Person {
  tenant: TenantUnderTest;
  /** Ids of real records of the tenant, read through the owner's own pages once per worker. */
  records(): Promise<KnownRecords>;
  /** What the owner sees on `path`: the main content's text, read in a tab of its own. */
  view(path: string): Promise<string>;
}

/** A tenant's demo read-write API key and a client that sends it. */
export interface KeyClient {
  tenant: TenantUnderTest;
  key: string;
  api: APIRequestContext;
  /** A paid order (with its customer) and a product of the tenant, read with the key once per worker. */
  records(): Promise<ApiRecords>;
}

export interface ApiKeys {
  /** `tenant`'s demo read-write key. */
  demoKey(tenant: TenantUnderTest): string;
  /** A client of `tenant`'s demo key, shared by this worker's tests. */
  demo(tenant: TenantUnderTest): Promise<KeyClient>;
  /** A client of its own sending `key` (and `headers`), disposed after the test. */
  open(key: string, headers?: Record<string, string>): Promise<APIRequestContext>;
}

export interface Ops {
  /** The ops role's URL (BYPASSRLS) of the e2e server's database. */
  url: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A row lock held from outside the app (e2e/support/ops.ts), released after the test at the latest. */
  lockRow(table: 'orders', id: string): Promise<RowLock>;
  /**
   * The writes of the shared workspace `slug` frozen as a move freezes them (e2e/support/move-freeze.ts),
   * released after the test at the latest.
   */
  freezeWrites(slug: string): Promise<Freeze>;
}

export interface NewOwner {
  email: string;
  password: string;
  slug: string;
  workspace: string;
  /** Creates an API key on the workspace's settings page (in the test's page); returns it. */
  createApiKey(name: string, scope?: 'read' | 'read_write'): Promise<string>;
}

interface TestFixtures {
  alice: Owner;
  bob: Owner;
  /** Sam, a member of both Acme and Globex. */
  member: Person;
  /** The seeded owner of `tenant` (alice or bob). */
  ownerOf: (tenant: TenantUnderTest) => Promise<Owner>;
  /** Another browser context of this test's own signed in as `email` (e.g. one whose cookies it changes); closed after it. */
  signedIn: (email: string) => Promise<BrowserContext>;
  /** A fresh context holding the worker's session of `email`; closed after the test. */
  contextOf: (email: string) => Promise<BrowserContext>;
  apiKey: ApiKeys;
  ops: Ops;
  /** Signs up a fresh owner of a fresh workspace in the test's `page`, from an address of its own. */
  newOwner: (label?: string) => Promise<NewOwner>;
}

interface Session {
  email: string;
  /** The session's cookies, for a fresh context per test. */
  storageState: StorageState;
  records(tenant: TenantUnderTest): Promise<KnownRecords>;
}

type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;

interface WorkerFixtures {
  /** This worker's signed-in sessions, each made on first use. */
  sessions: { of(email: string): Promise<Session> };
  demoKeys: { of(tenant: TenantUnderTest): Promise<KeyClient> };
}

const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};

/** The cookies of a session of `email`, signed in through Auth.js's endpoints from an address of its own. */
async function signInOnce(baseURL: string, email: string): Promise<StorageState> {
  const api = await apiSession(baseURL, email, undefined, randomAddress());
  try {
    return await api.storageState();
  } finally {
    await api.dispose();
  }
}

async function discoverApiRecords(api: APIRequestContext, tenant: TenantUnderTest): Promise<ApiRecords> {
  // A tenant a flow writes to meanwhile: its oldest paid order and a seeded product (tenants.ts).
  const seeded = tenant.records === 'seeded';
  const orders = await api.get(`/api/v1/orders?status=paid${seeded ? '&sort=placed_asc' : ''}`);
  expect(orders.status(), `listing ${tenant.slug}'s paid orders with its demo key`).toBe(200);
  const order = ((await orders.json()) as { data: { id: string; customer: { id: string } }[] }).data[0];
  const products = await api.get(`/api/v1/products${seeded ? `?search=${encodeURIComponent(tenant.canaries[0]!)}` : ''}`);
  const product = ((await products.json()) as { data: { id: string }[] }).data[0];
  if (!order || !product) throw new Error(`the demo seed of ${tenant.slug} has no paid order or product`);
  return { paidOrderId: order.id, customerId: order.customer.id, productId: product.id };
}

const demoKey = (tenant: TenantUnderTest) => DEMO_API_KEYS.find((k) => k.tenant === tenant.slug && k.scope === 'read_write')!.key;

export const test = base.extend<TestFixtures, WorkerFixtures>({
  sessions: [
    async ({ browser }, provide, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const made = new Map<string, Promise<Session>>();
      const make = async (email: string): Promise<Session> => {
        const storageState = await signInOnce(baseURL, email);
        const records = new Map<string, () => Promise<KnownRecords>>();
        return {
          email,
          storageState,
          records(tenant) {
            if (!records.has(tenant.slug))
              records.set(
                tenant.slug,
                once(async () => {
                  const context = await browser.newContext({ baseURL, storageState });
                  try {
                    return await discoverRecords(await context.newPage(), tenant);
                  } finally {
                    await context.close();
                  }
                }),
              );
            return records.get(tenant.slug)!();
          },
        };
      };
      await provide({
        of(email) {
          if (!made.has(email)) made.set(email, make(email));
          return made.get(email)!;
        },
      });
    },
    { scope: 'worker' },
  ],

  demoKeys: [
    async ({}, provide, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const made = new Map<string, Promise<KeyClient>>();
      const make = async (tenant: TenantUnderTest): Promise<KeyClient> => {
        const key = demoKey(tenant);
        const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${key}` } });
        return { tenant, key, api, records: once(() => discoverApiRecords(api, tenant)) };
      };
      await provide({
        of(tenant) {
          if (!made.has(tenant.slug)) made.set(tenant.slug, make(tenant));
          return made.get(tenant.slug)!;
        },
      });
      for (const client of made.values()) await (await client.catch(() => undefined))?.api.dispose();
    },
    { scope: 'worker' },
  ],

  contextOf: async ({ browser, baseURL, sessions }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (email) => {
      const { storageState } = await sessions.of(email);
      const context = await browser.newContext({ baseURL, storageState });
      contexts.push(context);
      return context;
    });
    for (const context of contexts) await context.close();
  },

  ownerOf: async ({ sessions, contextOf }, provide) => {
    const made = new Map<string, Promise<Owner>>();
    const make = async (tenant: TenantUnderTest): Promise<Owner> => {
      const session = await sessions.of(tenant.owner);
      const context = await contextOf(tenant.owner);
      return {
        tenant,
        email: session.email,
        context,
        request: context.request,
        newPage: () => context.newPage(),
        records: () => session.records(tenant),
        async view(path) {
          const page = await context.newPage();
          try {
            await page.goto(path);
            return await page.locator('main').innerText();
          } finally {
            await page.close();
          }
        },
      };
    };
    await provide((tenant) => {
      if (!made.has(tenant.slug)) made.set(tenant.slug, make(tenant));
      return made.get(tenant.slug)!;
    });
  },

  alice: async ({ ownerOf }, provide) => provide(await ownerOf(ACME)),
  bob: async ({ ownerOf }, provide) => provide(await ownerOf(GLOBEX)),

  member: async ({ contextOf }, provide) => {
    const context = await contextOf(SHARED_USER);
    await provide({ email: SHARED_USER, context, request: context.request, newPage: () => context.newPage() });
  },

  signedIn: async ({ contextOf }, provide) => provide(contextOf),

  apiKey: async ({ demoKeys, baseURL }, provide) => {
    const opened: APIRequestContext[] = [];
    await provide({
      demoKey,
      demo: (tenant) => demoKeys.of(tenant),
      async open(key, headers = {}) {
        const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${key}`, ...headers } });
        opened.push(api);
        return api;
      },
    });
    for (const api of opened) await api.dispose();
  },

  ops: async ({ baseURL }, provide) => {
    const url = e2eOpsUrl(baseURL!);
    const locks: RowLock[] = [];
    const freezes: Freeze[] = [];
    await provide({
      url,
      query: (sql, params) => withOps(url, (db) => db.query(sql, params)),
      async lockRow(table, id) {
        const lock = await lockRow(url, table, id);
        locks.push(lock);
        return lock;
      },
      async freezeWrites(slug) {
        const { rows } = await withOps(url, (db) => db.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [slug]));
        if (!rows[0]) throw new Error(`no workspace ${slug} to freeze`);
        const freeze = await freezeWrites({ ops: url, owner: e2eOwnerUrl(baseURL!) }, rows[0].id);
        freezes.push(freeze);
        return freeze;
      },
    });
    // Whatever the test did, no lock or freeze outlives it: another spec would meet a held slot.
    for (const lock of locks) await lock.release();
    for (const freeze of freezes) await freeze.release();
  },

  newOwner: async ({ page }, provide) => {
    await provide(async (label = 'Owner') => {
      const account = await signUpOwner(page, label);
      return { ...account, createApiKey: (name, scope) => new ApiKeysPage(page, account.slug).create(name, scope) };
    });
  },
});

export { expect };
