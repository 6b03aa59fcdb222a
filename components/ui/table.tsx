import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

// A data table in shadcn/ui's parts. Numbers: give the cell and its head `className="text-right
// tabular-nums"`. The wrapper scrolls sideways on narrow screens instead of squeezing columns.

/**
 * `overflow="visible"` leaves out the scrolling wrapper: for a table whose container already
 * scrolls and is focusable, or a narrow one that should rather spill than become a scroll area
 * with nothing to focus (axe: scrollable-region-focusable).
 */
export function Table({ className, overflow = 'scroll', ...props }: ComponentProps<'table'> & { overflow?: 'scroll' | 'visible' }) {
  const table = <table data-slot="table" className={cn('w-full caption-bottom text-left text-sm', className)} {...props} />;
  if (overflow === 'visible') return table;
  return (
    <div data-slot="table-container" className="relative w-full overflow-x-auto">
      {table}
    </div>
  );
}

export function TableHeader({ className, ...props }: ComponentProps<'thead'>) {
  return <thead data-slot="table-header" className={cn('border-b text-xs text-muted-foreground uppercase', className)} {...props} />;
}

export function TableBody({ className, ...props }: ComponentProps<'tbody'>) {
  return <tbody data-slot="table-body" className={cn('divide-y', className)} {...props} />;
}

export function TableFooter({ className, ...props }: ComponentProps<'tfoot'>) {
  return <tfoot data-slot="table-footer" className={cn('border-t font-medium', className)} {...props} />;
}

export function TableRow({ className, ...props }: ComponentProps<'tr'>) {
  return <tr data-slot="table-row" className={cn('transition-colors hover:bg-muted', className)} {...props} />;
}

export function TableHead({ className, ...props }: ComponentProps<'th'>) {
  return <th data-slot="table-head" className={cn('px-3 py-2 font-medium', className)} {...props} />;
}

export function TableCell({ className, ...props }: ComponentProps<'td'>) {
  return <td data-slot="table-cell" className={cn('px-3 py-2.5', className)} {...props} />;
}

export function TableCaption({ className, ...props }: ComponentProps<'caption'>) {
  return <caption data-slot="table-caption" className={cn('mt-4 text-sm text-muted-foreground', className)} {...props} />;
}
