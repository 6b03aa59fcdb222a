import { Suspense, type ReactNode } from 'react';

import type { QueryProblem } from '@/lib/page-query';

import { LinkButton } from './link-button';
import { PageHeader } from './page-header';
import { QueryProblems } from './query-problems';
import { Skeleton, SkeletonTable } from './skeleton';

/**
 * A list page's frame: the header with its "New …" button, the search or filter form, the notice
 * of ignored filters, and the list itself, which streams in behind a skeleton table shaped like it.
 */
export function ListPage({
  title,
  description,
  create,
  filters,
  problems,
  query,
  loading,
  children,
}: {
  title: string;
  description: string;
  /** The "New …" button, for a role that may create. */
  create?: { href: string; label: string };
  filters: ReactNode;
  problems: QueryProblem[];
  /** The valid query the list shows: a new one shows the skeleton again. */
  query: object;
  loading: { label: string; columns: number };
  children: ReactNode;
}) {
  return (
    <div>
      <PageHeader
        title={title}
        description={description}
        actions={create ? <LinkButton href={create.href}>{create.label}</LinkButton> : null}
      />
      {filters}
      <QueryProblems problems={problems} />
      <Suspense
        key={JSON.stringify(query)}
        fallback={
          <Skeleton label={loading.label} className="mt-6">
            <SkeletonTable rows={12} cols={loading.columns} />
          </Skeleton>
        }
      >
        {children}
      </Suspense>
    </div>
  );
}
