'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// Recharts renders nothing on the server, so the chart is a client component; the same numbers are
// in the server-rendered table beside it (and in the CSV), so nothing depends on JavaScript.
export function RevenueChart({
  data,
  currency,
}: {
  data: { period: string; gross: number; refunds: number; net: number }[];
  currency: string;
}) {
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
  const rows = data.map((d) => ({ period: d.period, Gross: d.gross / 100, Refunds: d.refunds / 100, Net: d.net / 100 }));
  return (
    <div className="h-72 w-full" role="img" aria-label="Revenue by period: gross, refunds and net">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--chart-grid)" />
          <XAxis dataKey="period" tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} tickMargin={6} />
          <YAxis tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }} tickFormatter={(v: number) => money.format(v)} width={80} />
          <Tooltip formatter={(v) => money.format(Number(v))} />
          <Legend />
          <Bar dataKey="Net" fill="var(--chart-1)" radius={[3, 3, 0, 0]} />
          <Bar dataKey="Refunds" fill="var(--chart-2)" radius={[3, 3, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
