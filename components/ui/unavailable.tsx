import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';
import { unavailableOf, type Unavailable } from '@/lib/errors';

import { Alert } from './alert';
import { RefreshButton } from './refresh-button';

// What a workspace page shows in place of its data when the kit refuses it (lib/errors.ts,
// Unavailable): the workspace already runs as many database operations as its plan allows, one
// of its queries ran past the plan's statement timeout, or it is moving to another tier and its
// writes are frozen for a second or two (docs/moves.md). None is a fault of ours to apologise for
// with "Something went wrong": each says what happened and what to do.

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`);

export function unavailableMessage(refusal: Unavailable): { title: string; detail: string } {
  if (refusal.code === 'tenant_moving') {
    return {
      title: 'Moving your workspace — back in a few seconds',
      detail:
        'Your workspace is moving to its new home, and saving is paused for a moment. Nothing was changed. Try again in a few seconds.',
    };
  }
  if (refusal.code === 'tenant_busy') {
    const operations = `${refusal.share} database operation${refusal.share === 1 ? '' : 's'}`;
    return {
      title: 'Workspace busy',
      detail: `Your workspace is busy — it is already running ${operations} at once, the most its plan allows. Try again in a few seconds.`,
    };
  }
  return {
    title: 'This took too long',
    detail: `Loading this took longer than the ${seconds(refusal.limitMs)} your plan allows for one database query, so it was stopped. Narrow the date range (or the filters) and try again.`,
  };
}

/** The message itself; `level` 'page' when it stands for the whole page (its heading is the page's h1). */
export function UnavailableNotice({
  refusal,
  level = 'section',
  action,
  className,
}: {
  refusal: Unavailable;
  level?: 'page' | 'section';
  action?: ReactNode;
  className?: string;
}) {
  const { title, detail } = unavailableMessage(refusal);
  const Heading = level === 'page' ? 'h1' : 'h2';
  return (
    <Alert
      // A move is planned work that ends by itself, not a limit the workspace ran into.
      variant={refusal.code === 'tenant_moving' ? 'info' : 'warning'}
      role="alert"
      data-testid="workspace-unavailable"
      data-code={refusal.code}
      className={cn('max-w-2xl rounded-xl p-6', level === 'section' && 'mt-6', className)}
    >
      <Heading className="text-base font-semibold">{title}</Heading>
      <p className="mt-2">{detail}</p>
      <div className="mt-4">{action ?? <RefreshButton />}</div>
    </Alert>
  );
}

/**
 * Renders a page or a streamed section of a workspace (`tenantPage(…)`), or the notice in its place
 * when the kit refused it. Server-rendered, so it reads without JavaScript; a streamed section
 * keeps the page's header and filters around it (narrow the range right there). Anything else is
 * rethrown: notFound() and forbidden() keep their statuses, a real fault reaches error.tsx.
 */
export async function orUnavailable(view: Promise<ReactNode>, level: 'page' | 'section' = 'section'): Promise<ReactNode> {
  try {
    return await view;
  } catch (error) {
    const refusal = unavailableOf(error);
    if (!refusal) throw error;
    return <UnavailableNotice refusal={refusal} level={level} />;
  }
}
