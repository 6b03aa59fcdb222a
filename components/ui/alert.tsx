import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

/**
 * A message in a tinted box: a form's refusal (destructive), a success (success), a caveat
 * (warning). It sets no role: the caller says whether it is an `alert` (interrupts) or a `status`
 * (polite), or neither for text that is there from the start.
 */
export const alertVariants = cva('w-full rounded-lg border px-3 py-2 text-sm', {
  variants: {
    variant: {
      default: 'bg-card text-card-foreground',
      destructive: 'border-destructive/25 bg-destructive-muted text-destructive',
      success: 'border-success/25 bg-success-muted text-success',
      warning: 'border-warning/25 bg-warning-muted text-warning',
      info: 'border-info/25 bg-info-muted text-info',
    },
  },
  defaultVariants: { variant: 'default' },
});

export function Alert({ className, variant, ...props }: ComponentProps<'div'> & VariantProps<typeof alertVariants>) {
  return <div data-slot="alert" className={cn(alertVariants({ variant }), className)} {...props} />;
}

export function AlertTitle({ className, ...props }: ComponentProps<'p'>) {
  return <p data-slot="alert-title" className={cn('font-semibold', className)} {...props} />;
}

export function AlertDescription({ className, ...props }: ComponentProps<'div'>) {
  return <div data-slot="alert-description" className={cn('mt-1', className)} {...props} />;
}
