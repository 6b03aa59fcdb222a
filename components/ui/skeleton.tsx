import type { CSSProperties, ReactNode } from 'react';

import { cn } from '@/lib/cn';

import { Card } from './card';

// Placeholders shown while a page's data streams in. They are grey shapes in the page's own layout,
// so nothing jumps when the real content replaces them. Their colours are tokens (bg-secondary,
// border-border), so they follow the colour scheme like every other surface.
// The pulse runs only for users who have not asked for reduced motion.

const block = 'rounded bg-secondary motion-safe:animate-pulse';

/**
 * The loading region: tells assistive technology the area is busy and says so in words. The shapes
 * below are aria-hidden (a screen reader has nothing to gain from grey boxes).
 */
export function Skeleton({ label = 'Loading…', className, children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <div aria-busy="true" className={className}>
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

/** One line of text; size it with width and height classes. */
export function SkeletonLine({ className }: { className?: string }) {
  return <span data-slot="skeleton" aria-hidden="true" className={cn('block h-4 w-full', block, className)} />;
}

/** A table of `rows` × `cols`, shaped like <Table>: a header row (unless `head` is false), then divided rows. */
export function SkeletonTable({ rows, cols, head = true, className }: { rows: number; cols: number; head?: boolean; className?: string }) {
  const grid: CSSProperties = { gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` };
  return (
    <div aria-hidden="true" className={cn('w-full', className)}>
      {head ? (
        <div className="grid gap-4 border-b px-3 py-2" style={grid}>
          {Array.from({ length: cols }, (_, col) => (
            <SkeletonLine key={col} className={cn('h-3 w-16', col === cols - 1 && cols > 1 && 'ml-auto')} />
          ))}
        </div>
      ) : null}
      <div className="divide-y">
        {Array.from({ length: rows }, (_, row) => (
          <div key={row} className="grid gap-4 px-3 py-3" style={grid}>
            {Array.from({ length: cols }, (_, col) => (
              <SkeletonLine key={col} className={cn(col === 0 ? 'w-3/4' : 'w-1/2', col === cols - 1 && cols > 1 && 'ml-auto')} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** `count` figure cards shaped like <Stat>; the caller sets the grid's columns. */
export function SkeletonStatCards({ count, className }: { count: number; className?: string }) {
  return (
    <div aria-hidden="true" className={cn('grid gap-4', className)}>
      {Array.from({ length: count }, (_, card) => (
        <Card key={card} className="px-5">
          <SkeletonLine className="w-28" />
          <SkeletonLine className="h-8 w-32" />
          <SkeletonLine className="h-3 w-24" />
        </Card>
      ))}
    </div>
  );
}

// Fixed heights, so the placeholder looks like a chart and renders the same every time.
const BARS = [45, 60, 52, 70, 64, 80, 58, 75, 68, 88, 72, 84];

/** A bar chart's footprint, the height of the report's chart. */
export function SkeletonChart({ className }: { className?: string }) {
  return (
    <div aria-hidden="true" className={cn('flex h-72 items-end gap-2 border-b px-2', className)}>
      {BARS.map((height, bar) => (
        <span key={bar} className={cn('flex-1', block, 'rounded-b-none')} style={{ height: `${height}%` }} />
      ))}
    </div>
  );
}
