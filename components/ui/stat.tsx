// A figure with its change against the previous period (`versus` names it) and a six-point
// sparkline, all rendered on the server as plain SVG (no client JavaScript, nothing to hydrate).
// Meant inside a <dl>.

import { Card } from './card';

export function Stat({
  label,
  value,
  series,
  current,
  previous,
  versus,
}: {
  label: string;
  value: string;
  series: number[];
  current: number;
  previous: number;
  /** What `previous` is, e.g. "the same days last month". */
  versus: string;
}) {
  const change = previous === 0 ? undefined : ((current - previous) / Math.abs(previous)) * 100;
  const max = Math.max(...series, 1);
  const points = series.map((v, i) => `${(i / Math.max(series.length - 1, 1)) * 100},${28 - (v / max) * 26}`).join(' ');
  return (
    <Card data-slot="stat" className="gap-1 px-5">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd>
        <span className="flex items-end justify-between gap-3">
          <span
            className="text-2xl font-semibold text-card-foreground tabular-nums"
            data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}
          >
            {value}
          </span>
          <svg viewBox="0 0 100 30" className="h-8 w-24 text-chart-1" aria-hidden="true" preserveAspectRatio="none">
            <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
          </svg>
        </span>
        <span className="mt-1 block text-xs text-muted-foreground">
          {change === undefined ? `No figure for ${versus}` : `${change >= 0 ? '▲' : '▼'} ${Math.abs(change).toFixed(0)}% vs ${versus}`}
        </span>
      </dd>
    </Card>
  );
}
