import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-3">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, children, className, actions }: { title?: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  return (
    <section className={cn('rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200', className)}>
      {title || actions ? (
        <div className="mb-4 flex items-center justify-between gap-3">
          {title ? <h2 className="font-semibold text-slate-900">{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 px-6 py-12 text-center">
      <p className="font-medium text-slate-900">{title}</p>
      {children ? <div className="mt-2 text-sm text-slate-600">{children}</div> : null}
    </div>
  );
}

const STATUS_STYLES: Record<string, string> = {
  paid: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  pending: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  draft: 'bg-slate-50 text-slate-700 ring-slate-500/20',
  partially_refunded: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  refunded: 'bg-violet-50 text-violet-700 ring-violet-600/20',
  cancelled: 'bg-rose-50 text-rose-700 ring-rose-600/20',
  archived: 'bg-slate-100 text-slate-600 ring-slate-500/20',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={cn('inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset', STATUS_STYLES[status] ?? STATUS_STYLES.draft)} data-testid="status">
      {status.replace('_', ' ')}
    </span>
  );
}

export function LinkButton({ href, children, variant = 'primary' }: { href: string; children: ReactNode; variant?: 'primary' | 'secondary' }) {
  return (
    <Link
      href={href}
      className={cn(
        'inline-flex items-center justify-center rounded-lg px-3.5 py-2 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600',
        variant === 'primary' ? 'bg-brand-600 text-white shadow-sm hover:bg-brand-700' : 'bg-white text-slate-900 ring-1 ring-slate-300 ring-inset hover:bg-slate-50',
      )}
    >
      {children}
    </Link>
  );
}

export const tableClasses = {
  table: 'w-full text-left text-sm',
  head: 'border-b border-slate-200 text-xs text-slate-500 uppercase',
  th: 'px-3 py-2 font-medium',
  body: 'divide-y divide-slate-100',
  td: 'px-3 py-2.5 text-slate-700',
  num: 'px-3 py-2.5 text-right text-slate-700 tabular-nums',
};

/** "Next page" for keyset pagination: keeps the current filters, swaps the cursor. */
export function NextPageLink({ basePath, params, cursor }: { basePath: string; params: Record<string, string | undefined>; cursor?: string }) {
  if (!cursor) return null;
  const query = new URLSearchParams(Object.entries({ ...params, cursor }).filter((e): e is [string, string] => Boolean(e[1])));
  return (
    <div className="mt-4 flex justify-end">
      <LinkButton href={`${basePath}?${query}`} variant="secondary">
        Next page →
      </LinkButton>
    </div>
  );
}
