import pg from 'pg';

import { tenantPage } from '@/lib/auth/entry';

// THE CONTROL — a deliberately leaky page. scripts/control-server.ts copies it over
// app/t/[tenant]/customers/page.tsx in a separate build (.e2e/control), used only by the control
// Playwright project (playwright.control.config.ts). It is the classic leak in code: a list that
// forgot the tenant filter, on a connection where no row-level security applies. The leak suite
// must catch it; the control project passes only when it does. Nothing in app/, lib/ or the
// production build imports or can enable this file.

export default async function LeakyCustomersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return tenantPage(slug, 'customers.view', async () => {
    const client = new pg.Client({ connectionString: process.env.CONTROL_LEAK_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ name: string; email: string; notes: string | null }>(
      'SELECT name, email, notes FROM customers ORDER BY name LIMIT 50',
    );
    await client.end();
    return (
      <ul>
        {rows.map((row) => (
          <li key={row.email}>
            {row.name} {row.email} {row.notes}
          </li>
        ))}
      </ul>
    );
  });
}
