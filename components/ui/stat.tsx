// A figure with its change against the previous period and a six-point sparkline, all rendered on
// the server as plain SVG (no client JavaScript, nothing to hydrate).

export function Stat({ label, value, series, current, previous }: { label: string; value: string; series: number[]; current: number; previous: number }) {
  const change = previous === 0 ? undefined : ((current - previous) / Math.abs(previous)) * 100;
  const max = Math.max(...series, 1);
  const points = series.map((v, i) => `${(i / Math.max(series.length - 1, 1)) * 100},${28 - (v / max) * 26}`).join(' ');
  return (
    <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1">
        <span className="flex items-end justify-between gap-3">
        <span className="text-2xl font-semibold text-slate-900 tabular-nums" data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}>
          {value}
        </span>
        <svg viewBox="0 0 100 30" className="h-8 w-24 text-brand-500" aria-hidden="true" preserveAspectRatio="none">
          <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
        </svg>
        </span>
        <span className="mt-1 block text-xs text-slate-500">
          {change === undefined ? 'No figure for last month' : `${change >= 0 ? '▲' : '▼'} ${Math.abs(change).toFixed(0)}% vs last month`}
        </span>
      </dd>
    </div>
  );
}
