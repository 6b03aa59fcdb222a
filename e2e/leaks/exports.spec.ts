import { expect, test } from './support/fixtures';
import { ACME, findCanaries, GLOBEX, type TenantUnderTest } from './support/tenants';

// Exports and search: a tenant's CSV and search results carry none of the other tenant's canaries,
// and the report's totals carry only the tenant's own amount signature — every amount of Acme is
// ≡ 0 (mod 7) and of Globex ≡ 1, so k payments sum to ≡ k·signature; a single foreign row breaks it.

const SIGNATURE: Record<string, number> = { acme: 0, globex: 1 };
const minor = (decimal: string) => Math.round(Number(decimal) * 100);
const recordLinks = (html: string, tenant: TenantUnderTest, path: string) =>
  (html.match(new RegExp(`href="/t/${tenant.slug}/${path}/[0-9a-f]{8}-`, 'g')) ?? []).length;

for (const [tenant, otherTenant] of [
  [ACME, GLOBEX],
  [GLOBEX, ACME],
] as [TenantUnderTest, TenantUnderTest][]) {
  test(`${tenant.slug}'s revenue CSV carries only its own signature`, async ({ ownerOf }) => {
    const api = (await ownerOf(tenant)).request;
    const response = await api.get(`/t/${tenant.slug}/reports/revenue.csv?from=2020-01-01&to=2030-12-31&granularity=month`);
    expect(response.status()).toBe(200);
    const rows = (await response.text())
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(','));
    const buckets = rows.filter((r) => r[0] !== 'total');
    expect(buckets.filter((r) => Number(r[4]) > 0).length, 'positive control: months with payments').toBeGreaterThan(6);
    for (const [period, gross, refunds, , payments, refundCount] of buckets) {
      expect(minor(gross!) % 7, `gross of ${period}`).toBe((Number(payments) * SIGNATURE[tenant.slug]!) % 7);
      expect(minor(refunds!) % 7, `refunds of ${period}`).toBe((Number(refundCount) * SIGNATURE[tenant.slug]!) % 7);
    }
    const customers = await (await api.get(`/t/${tenant.slug}/reports/revenue.csv?from=2020-01-01&to=2030-12-31&table=customers`)).text();
    expect(findCanaries(customers, tenant)).not.toEqual([]);
    expect(findCanaries(customers, otherTenant)).toEqual([]);
  });

  test(`${tenant.slug}'s search finds nothing of ${otherTenant.slug}`, async ({ ownerOf }) => {
    const api = (await ownerOf(tenant)).request;
    for (const [path, term] of [
      ['orders', otherTenant.slug],
      ['orders', `@${otherTenant.slug}.test`],
      ['customers', `${otherTenant.slug}.test`],
      ['customers', otherTenant.canaries[0]!],
      ['products', otherTenant.canaries[0]!],
    ]) {
      const html = await (await api.get(`/t/${tenant.slug}/${path}?q=${encodeURIComponent(term!)}`)).text();
      // The search box echoes the term itself; a leak would be a row around it (customer1@globex.test).
      const withoutEcho = html.split(term!).join('');
      expect(findCanaries(withoutEcho, otherTenant), `${path}?q=${term}`).toEqual([]);
      expect(recordLinks(html, tenant, path!), `${path}?q=${term} found rows`).toBe(0);
    }
    // positive control: the same searches for the tenant's own data find rows
    for (const [path, term] of [
      ['products', tenant.canaries[0]!],
      ['customers', `${tenant.slug}.test`],
      ['orders', `@${tenant.slug}.test`],
    ]) {
      const own = await (await api.get(`/t/${tenant.slug}/${path}?q=${encodeURIComponent(term!)}`)).text();
      expect(recordLinks(own, tenant, path!), `${path}?q=${term}`).toBeGreaterThan(0);
    }
  });
}
