import { describe, expect, it } from 'vitest';

import { assertPlacement, placementLabel, sameDatabase, schemaRewriter } from '../src/placement';
import { searchPathOf } from '../src/tenant-pool';

// The pure half of the router: which names a schema tenant's statements get, and which
// placements are accepted. The database half is proved on two real servers by the app's
// lib/tenancy/tiers.test.ts.

describe('schemaRewriter', () => {
  const rewrite = schemaRewriter(['orders', 'order_items']);

  it('rewrites Prisma’s qualified names of the placed tables, and only those', () => {
    const sql =
      'SELECT "public"."orders"."id", "t1"."x" FROM "public"."orders" LEFT JOIN "public"."order_items" AS "t1" ON true ' +
      'JOIN "public"."tenants" ON true WHERE "public"."orders"."status" = CAST($1::text AS "public"."OrderStatus")';
    expect(rewrite(sql, 't_acme')).toBe(
      'SELECT "t_acme"."orders"."id", "t1"."x" FROM "t_acme"."orders" LEFT JOIN "t_acme"."order_items" AS "t1" ON true ' +
        'JOIN "public"."tenants" ON true WHERE "t_acme"."orders"."status" = CAST($1::text AS "public"."OrderStatus")',
    );
  });

  it('does not touch a table whose name only starts like a placed one, nor unqualified names', () => {
    expect(rewrite('SELECT 1 FROM "public"."orders_archive", orders', 't_acme')).toBe('SELECT 1 FROM "public"."orders_archive", orders');
  });

  it('refuses a table name that would need quoting', () => {
    expect(() => schemaRewriter(['orders"; DROP'])).toThrow(/not a plain table name/);
  });
});

describe('placements', () => {
  it('accepts the three tiers with plain identifiers only', () => {
    expect(assertPlacement({ tier: 'shared' })).toEqual({ tier: 'shared' });
    expect(assertPlacement({ tier: 'schema', schema: 't_acme_2' })).toEqual({ tier: 'schema', schema: 't_acme_2' });
    expect(() => assertPlacement({ tier: 'schema', schema: 'public' })).toThrow(/Invalid tenant schema/);
    expect(() => assertPlacement({ tier: 'schema', schema: 't_a"b' })).toThrow(/Invalid tenant schema/);
    expect(() => assertPlacement({ tier: 'database', target: 'eu1', database: 'x;drop' })).toThrow(/Invalid tenant database/);
    expect(() => assertPlacement({ tier: 'database', target: 'postgres://h', database: 'x' })).toThrow(/Invalid database target/);
    expect(() => assertPlacement({ tier: 'other' } as never)).toThrow(/Unknown placement tier/);
  });

  it('labels placements and tells which share a database', () => {
    const eu = { tier: 'database', target: 'eu1', database: 'acme' } as const;
    expect(placementLabel(eu)).toBe('database:eu1/acme');
    expect(sameDatabase({ tier: 'shared' }, { tier: 'schema', schema: 't_x' })).toBe(true);
    expect(sameDatabase({ tier: 'shared' }, eu)).toBe(false);
    expect(sameDatabase(eu, { ...eu })).toBe(true);
  });

  it('puts only the tenant schema and pg_temp (last) on a schema tenant’s search_path', () => {
    expect(searchPathOf('t_acme')).toBe('"t_acme", pg_temp');
    expect(() => searchPathOf('public')).toThrow();
  });
});
