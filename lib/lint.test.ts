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
