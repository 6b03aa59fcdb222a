import { tenantRoute } from '@/lib/auth/entry';
import { csvLine, csvMoney, csvNumber, csvText } from '@/lib/billing/csv';
import { rangeFromSearch } from '@/lib/billing/range';
import { revenueReport } from '@/lib/billing/report';
import { dataResidency } from '@/lib/settings/residency';

// The report's numbers as CSV — exactly the rows of the table on the report page, plus the
// customers table with ?table=customers. Streamed, so a long daily range starts downloading at
// once; the file name carries the tenant's slug so files from two workspaces cannot be confused.
//
// Where the data came from travels with the file, outside its rows (docs/residency.md): the region
// of the workspace's data in the file name and in a Data-Region header. The body stays plain CSV,
// header row first, which every reader takes as it is — a comment line would be a row to most.

export const GET = tenantRoute('reports.export', async (request, access) => {
  const search = new URL(request.url).searchParams;
  const range = rangeFromSearch(Object.fromEntries(search));
  const [report, residency] = await Promise.all([revenueReport(range), dataResidency()]);
  const table = search.get('table') === 'customers' ? 'customers' : 'periods';
  const lines: string[] =
    table === 'customers'
      ? [
          csvLine(['customer', 'email', 'orders', `net_${report.currency}`]),
          ...report.topCustomers.map((c) => csvLine([csvText(c.name), csvText(c.email), csvNumber(c.orders), csvMoney(c.net)])),
        ]
      : [
          csvLine([
            `${report.granularity}_starting`,
            `gross_${report.currency}`,
            `refunds_${report.currency}`,
            `net_${report.currency}`,
            'payments',
            'refunds_count',
          ]),
          ...report.buckets.map((b) =>
            csvLine([b.period, csvMoney(b.gross), csvMoney(b.refunds), csvMoney(b.net), csvNumber(b.payments), csvNumber(b.refundCount)]),
          ),
          csvLine([
            'total',
            csvMoney(report.totals.gross),
            csvMoney(report.totals.refunds),
            csvMoney(report.totals.net),
            csvNumber(report.totals.payments),
            csvNumber(report.totals.refundCount),
          ]),
        ];
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = lines.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
  });
  const name = `${access.slug}-revenue-${table}-${range.granularity}-${range.from}-to-${range.to}-region-${residency.region}.csv`;
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Data-Region': residency.region,
      'Cache-Control': 'no-store',
    },
  });
});
