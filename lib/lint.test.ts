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
    const messages = await lint('lib/orders/service.ts', "export const byTenant = (tenantId: string) => ({ where: { tenantId } });\n");
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
    expect(await lint('components/orders/table.tsx', "import type { Order } from '@/lib/db/generated/client';\nexport type Row = Order;\n")).toEqual([]);
  });

  it("Next's shared data cache is refused for tenant code", async () => {
    expect((await lint('lib/billing/report.ts', "'use cache';\nexport async function f() { return 1; }\n")).some((m) => m.includes("'use cache'"))).toBe(true);
    expect((await lint('app/t/[tenant]/page.tsx', "import { unstable_cache } from 'next/cache';\nexport default unstable_cache;\n")).some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });
});
