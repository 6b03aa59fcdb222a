import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

// A surface in shadcn/ui's parts: <Card> holds an optional <CardHeader> (a <CardTitle>, a
// <CardDescription>, a <CardAction> at its right), then <CardContent> and an optional <CardFooter>.

/** `as="section"` for a card that is a named region of the page (give it aria-labelledby); `as="li"` in a list. */
export function Card({
  className,
  as: Tag = 'div',
  ...props
}: Omit<ComponentProps<'section'>, 'ref'> & { as?: 'div' | 'section' | 'article' | 'li' }) {
  return (
    <Tag
      data-slot="card"
      className={cn('flex flex-col gap-4 rounded-xl border bg-card py-5 text-card-foreground shadow-sm', className)}
      {...props}
    />
  );
}

export function CardHeader({ className, ...props }: ComponentProps<'div'>) {
  return (
    <div
      data-slot="card-header"
      className={cn('grid auto-rows-min items-start gap-1 px-5 has-data-[slot=card-action]:grid-cols-[1fr_auto]', className)}
      {...props}
    />
  );
}

/** An <h2> by default: cards are the sections of a page under its <h1>. */
export function CardTitle({ className, ...props }: ComponentProps<'h2'>) {
  return <h2 data-slot="card-title" className={cn('font-semibold text-card-foreground', className)} {...props} />;
}

export function CardDescription({ className, ...props }: ComponentProps<'p'>) {
  return <p data-slot="card-description" className={cn('text-sm text-muted-foreground', className)} {...props} />;
}

export function CardAction({ className, ...props }: ComponentProps<'div'>) {
  return (
    <div
      data-slot="card-action"
      className={cn('col-start-2 row-span-2 row-start-1 flex items-center gap-2 self-start justify-self-end', className)}
      {...props}
    />
  );
}

export function CardContent({ className, ...props }: ComponentProps<'div'>) {
  return <div data-slot="card-content" className={cn('px-5', className)} {...props} />;
}

export function CardFooter({ className, ...props }: ComponentProps<'div'>) {
  return <div data-slot="card-footer" className={cn('flex items-center gap-3 border-t px-5 pt-4', className)} {...props} />;
}
