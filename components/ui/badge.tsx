import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

/** Tones: one per status colour token; text and surface keep 4.5:1 in both schemes. */
export const badgeVariants = cva(
  'inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
  {
    variants: {
      variant: {
        default: 'bg-primary text-primary-foreground ring-transparent',
        secondary: 'bg-secondary text-secondary-foreground ring-border',
        outline: 'text-foreground ring-border',
        muted: 'bg-muted text-muted-foreground ring-border',
        success: 'bg-success-muted text-success ring-success/25',
        warning: 'bg-warning-muted text-warning ring-warning/25',
        info: 'bg-info-muted text-info ring-info/25',
        notice: 'bg-notice-muted text-notice ring-notice/25',
        destructive: 'bg-destructive-muted text-destructive ring-destructive/25',
      },
    },
    defaultVariants: { variant: 'secondary' },
  },
);

export type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>['variant']>;

export function Badge({ className, variant, ...props }: ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span data-slot="badge" className={cn(badgeVariants({ variant }), className)} {...props} />;
}
