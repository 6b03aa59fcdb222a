import type { ReactNode } from 'react';

/** What a list shows when it has nothing: a title and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div data-slot="empty-state" className="rounded-xl border border-dashed border-input px-6 py-12 text-center">
      <p className="font-medium text-foreground">{title}</p>
      {children ? <div className="mt-2 text-sm text-muted-foreground">{children}</div> : null}
    </div>
  );
}
