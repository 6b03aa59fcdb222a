import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The isolation lint rules must be able to fail: lint small snippets as if they lived in the
// project's folders and look for the rule's message.

const eslint = new ESLint({ cwd: process.cwd() });

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('isolation lint rules', () => {
  it('domain code may not name a tenant id', async () => {
    const messages = await lint('lib/orders/service.ts', 'export const byTenant = (tenantId: string) => ({ where: { tenantId } });\n');
    expect(messages.some((m) => m.includes('never names a tenant id'))).toBe(true);
    expect(await lint('lib/orders/service.ts', 'export const byId = (id: string) => ({ where: { id } });\n')).toEqual([]);
    // the isolation core itself may
    expect(await lint('lib/tenancy/example.ts', 'export const key = (tenantId: string) => tenantId;\n')).toEqual([]);
  });

  it('pages and components may not import the ops client, raw pg or an unscoped PrismaClient', async () => {
    for (const code of [
      "import { createOpsClient } from '@/lib/db/privileged';\nexport default createOpsClient;\n",
      "import pg from 'pg';\nexport default pg;\n",
      "import { PrismaClient } from '@/lib/db/generated/client';\nexport default PrismaClient;\n",
    ]) {
      const messages = await lint('app/t/[tenant]/orders/page.tsx', code);
      expect(messages.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
    }
    // types from the generated client are fine
    expect(
      await lint('components/orders/table.tsx', "import type { Order } from '@/lib/db/generated/client';\nexport type Row = Order;\n"),
    ).toEqual([]);
  });

  it("Next's shared data cache is refused for tenant code", async () => {
    expect(
      (await lint('lib/billing/report.ts', "'use cache';\nexport async function f() { return 1; }\n")).some((m) =>
        m.includes("'use cache'"),
      ),
    ).toBe(true);
    expect(
      (await lint('app/t/[tenant]/page.tsx', "import { unstable_cache } from 'next/cache';\nexport default unstable_cache;\n")).some((m) =>
        m.startsWith('no-restricted-imports'),
      ),
    ).toBe(true);
  });

  it("nothing imports the isolation kit's internals, only its declared entries", async () => {
    const deep = [
      "import { createScope } from '@bulkhead/tenancy/src/scope';\nexport default createScope;\n",
      "import { FairShare } from '@bulkhead/tenancy/src/fair-share.ts';\nexport default FairShare;\n",
      "import { createTenancy } from '../packages/tenancy/src/tenancy';\nexport default createTenancy;\n",
      "import { createTenancy } from '../packages/tenancy';\nexport default createTenancy;\n",
    ];
    // In domain code, in the app's isolation core, and in scripts and tests alike.
    for (const file of ['lib/orders/service.ts', 'lib/tenancy/index.ts', 'scripts/example.ts', 'lib/orders/service.test.ts']) {
      for (const code of deep) {
        const messages = await lint(file, code);
        expect(
          messages.some((m) => m.startsWith('no-restricted-imports') && m.includes('isolation kit')),
          `${file}: ${code}`,
        ).toBe(true);
      }
    }
    // The declared entries are fine where they belong.
    expect(
      await lint('lib/tenancy/example.ts', "import { createTenancy } from '@bulkhead/tenancy';\nexport default createTenancy;\n"),
    ).toEqual([]);
    expect(await lint('scripts/example.ts', "import { migrate } from '@bulkhead/tenancy/admin';\nexport default migrate;\n")).toEqual([]);
    // Provisioning and migrations are not for code that serves requests.
    expect(
      (await lint('app/t/[tenant]/page.tsx', "import { migrate } from '@bulkhead/tenancy/admin';\nexport default migrate;\n")).some((m) =>
        m.startsWith('no-restricted-imports'),
      ),
    ).toBe(true);
  });
});

describe('layer rules', () => {
  const layer = (messages: string[], text: string) =>
    messages.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports') && m.includes(text));

  it('pages, layouts, route handlers, actions and components reach data only through services', async () => {
    const service = 'through a service in lib/<domain>';
    for (const [file, code] of [
      ['app/t/[tenant]/orders/page.tsx', "import { tenantDb } from '@/lib/tenancy';\nexport default tenantDb;\n"],
      ['app/t/[tenant]/orders/actions.ts', "import { audit } from '@/lib/tenancy/audit';\nexport default audit;\n"],
      ['app/t/[tenant]/orders/page.tsx', "import { tenantDb } from '../../../../lib/tenancy';\nexport default tenantDb;\n"],
      ['components/orders/table.tsx', "import { currentTenant } from '@bulkhead/tenancy';\nexport default currentTenant;\n"],
    ]) {
      expect(layer(await lint(file!, code!), service), `${file}: ${code}`).toBe(true);
    }
    // The definer functions: not even their types.
    for (const code of [
      "import { userTenants } from '@/lib/tenancy/definer-functions';\nexport default userTenants;\n",
      "import type { TenantChoice } from '@/lib/tenancy/definer-functions';\nexport type T = TenantChoice;\n",
    ]) {
      expect(layer(await lint('app/tenants/page.tsx', code), 'definer functions'), code).toBe(true);
    }
    // The database: nothing of lib/db, values of the generated client neither; health only for its route.
    const health = "import { checkDatabase } from '@/lib/db/health';\nexport default checkDatabase;\n";
    expect(layer(await lint('app/t/[tenant]/page.tsx', health), 'never touch the database')).toBe(true);
    expect(await lint('app/api/health/route.ts', health)).toEqual([]);
    expect(
      layer(
        await lint(
          'app/t/[tenant]/orders/page.tsx',
          "import { OrderStatus } from '@/lib/db/generated/client';\nexport default OrderStatus;\n",
        ),
        'Only types from the generated client',
      ),
    ).toBe(true);
    // Allowed: types, services, and anything in a test.
    for (const [file, code] of [
      ['app/t/[tenant]/orders/page.tsx', "import type { TenantContext } from '@/lib/tenancy';\nexport type C = TenantContext;\n"],
      ['app/t/[tenant]/orders/page.tsx', "import type { OrderStatus } from '@/lib/db/generated/client';\nexport type S = OrderStatus;\n"],
      ['app/t/[tenant]/orders/page.tsx', "import { listOrders } from '@/lib/orders/service';\nexport default listOrders;\n"],
      ['app/t/[tenant]/layout.tsx', "import { userTenants } from '@/lib/account/workspaces';\nexport default userTenants;\n"],
      ['app/t/[tenant]/orders/page.test.ts', "import { tenantDb } from '@/lib/tenancy';\nexport default tenantDb;\n"],
    ]) {
      expect(await lint(file!, code!), `${file}: ${code}`).toEqual([]);
    }
  });

  it('a domain reaches another domain and lib/auth only through their index.ts, and never an entry point or the UI', async () => {
    for (const code of [
      "import { assertQuota } from '../billing/plans';\nexport default assertQuota;\n",
      "import { assertQuota } from '@/lib/billing/plans';\nexport default assertQuota;\n",
      "import { listCustomers } from '../customers/service';\nexport default listCustomers;\n",
    ]) {
      expect(layer(await lint('lib/orders/service.ts', code), 'lib/<domain>/index.ts'), code).toBe(true);
    }
    expect(
      layer(
        await lint('lib/members/service.ts', "import { newToken } from '../auth/tokens';\nexport default newToken;\n"),
        'lib/auth/index.ts',
      ),
    ).toBe(true);
    expect(
      layer(
        await lint('lib/orders/service.ts', "import { apiRoute } from '../api/route';\nexport default apiRoute;\n"),
        'never the reverse',
      ),
    ).toBe(true);
    expect(
      layer(
        await lint('lib/orders/service.ts', "import { OrderTable } from '@/components/orders/table';\nexport default OrderTable;\n"),
        'never imports pages',
      ),
    ).toBe(true);
    // The public modules, the domain's own files, and tests are fine.
    for (const [file, code] of [
      ['lib/orders/service.ts', "import { assertQuota } from '../billing';\nexport default assertQuota;\n"],
      ['lib/members/service.ts', "import { newToken } from '../auth';\nexport default newToken;\n"],
      ['lib/orders/export.ts', "import { listOrders } from './service';\nexport default listOrders;\n"],
      ['lib/orders/service.test.ts', "import { hashToken } from '@/lib/auth/tokens';\nexport default hashToken;\n"],
    ]) {
      expect(await lint(file!, code!), `${file}: ${code}`).toEqual([]);
    }
  });

  it('infrastructure imports no domain and no entry point', async () => {
    for (const code of [
      "import { PLANS } from '../billing/plans';\nexport default PLANS;\n",
      "import { assertQuota } from '../billing';\nexport default assertQuota;\n",
    ]) {
      expect(layer(await lint('lib/rate-limit/index.ts', code), 'imports no domain'), code).toBe(true);
    }
    expect(
      layer(
        await lint('lib/tenancy/example.ts', "import { currentUser } from '../auth/session';\nexport default currentUser;\n"),
        'imports no entry point',
      ),
    ).toBe(true);
    expect(await lint('lib/rate-limit/example.ts', "import { env } from '../env';\nexport default env;\n")).toEqual([]);
    expect(await lint('lib/http/example.ts', "import { AppError } from '../errors';\nexport default AppError;\n")).toEqual([]);
  });

  it('the helpers at lib/*.ts import no layer', async () => {
    for (const code of [
      "import { isCalendarDay } from './billing/range';\nexport default isCalendarDay;\n",
      "import { currentUser } from '@/lib/auth/session';\nexport default currentUser;\n",
      "import { tenantDb } from './tenancy';\nexport default tenantDb;\n",
    ]) {
      expect(layer(await lint('lib/page-query.ts', code), 'serve every layer'), code).toBe(true);
    }
    expect(await lint('lib/page-query.ts', "import { isCalendarDay } from './calendar';\nexport default isCalendarDay;\n")).toEqual([]);
    expect(
      await lint(
        'lib/pagination.ts',
        "import type { Prisma } from './db/generated/client';\nexport type Where = Prisma.OrderWhereInput;\n",
      ),
    ).toEqual([]);
  });
});
