import { beforeAll, describe, expect, it } from 'vitest';

import { runInTenant } from '@/lib/tenancy';
import { seedCommerce, type ExpectedFigures } from '@/prisma/seed/commerce';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';

import { revenueReport } from './report';

// The report against figures it did not compute: the seed generator works out each tenant's
// expected monthly revenue in TypeScript from the rows it generates, and the report's SQL must
// arrive at the same numbers — for each of two tenants sharing the tables, in their own time zones.

const database = setupTestDatabase();
pointAppAt(database);
const NOW = new Date('2026-11-15T12:00:00Z');
const tenants: { id: string; slug: string; expected: ExpectedFigures }[] = [];

beforeAll(async () => {
  await withClient(database.current.urls.ops, async (db) => {
    for (const [slug, timezone, currency, signature] of [
      ['acme', 'America/New_York', 'USD', 0],
      ['globex', 'Europe/Berlin', 'EUR', 1],
    ] as const) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO tenants (slug, name, timezone, currency) VALUES ($1, $1, $2, $3) RETURNING id`,
        [slug, timezone, currency],
      );
      const id = rows[0]!.id;
      const expected = await seedCommerce(
        db,
        { id, slug, timezone, currency },
        {
          customers: 60,
          products: 12,
          orders: 1500,
          months: 18,
          seed: 7 + signature,
          signature,
          canary: `CANARY-${slug.toUpperCase()}`,
          now: NOW,
        },
      );
      tenants.push({ id, slug, expected });
    }
  });
}, 60_000);

describe('report totals equal the seed generator’s independent figures', () => {
  it.each(['acme', 'globex'])('%s, month by month, in its own time zone', async (slug) => {
    const tenant = tenants.find((t) => t.slug === slug)!;
    const months = Object.keys(tenant.expected.byMonth).sort();
    const report = await runInTenant({ tenantId: tenant.id, actorType: 'system' }, () =>
      revenueReport({ from: `${months[0]}-01`, to: '2026-11-30', granularity: 'month' }),
    );
    const actual = Object.fromEntries(
      report.buckets.map((b) => [
        b.period.slice(0, 7),
        { gross: b.gross, refunds: b.refunds, net: b.net, payments: b.payments, refundCount: b.refundCount },
      ]),
    );
    expect(actual).toEqual(tenant.expected.byMonth);
    expect(report.totals).toEqual(tenant.expected.totals);
    // k amounts that are each ≡ s (mod 7) sum to ≡ k·s: a row of the other tenant would break it.
    expect(report.totals.gross % 7).toBe((report.totals.payments * tenant.expected.signature) % 7);
    // The top products of the report are the top products of the generator.
    const expectedTop = Object.entries(tenant.expected.byProduct)
      .sort((a, b) => b[1].gross - a[1].gross)
      .slice(0, 10)
      .map(([sku, p]) => [sku, p.quantity, p.gross]);
    expect(report.byProduct.map((p) => [p.sku, p.quantity, p.gross])).toEqual(expectedTop);
    expect(report.byStatus.reduce((n, s) => n + s.orders, 0)).toBe(tenant.expected.orders.total);
  });
});
