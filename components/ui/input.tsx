import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

/** The frame every text control shares (Input, Textarea, Select): border, focus ring, invalid state. */
export const controlClasses =
  'block w-full min-w-0 rounded-lg border border-input bg-card text-sm text-card-foreground shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:opacity-60 aria-invalid:border-destructive aria-invalid:ring-destructive/30';

/** A text control; `aria-invalid` marks it red, so a field with errors needs no extra class. */
export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input data-slot="input" className={cn(controlClasses, 'px-3 py-2 placeholder:text-muted-foreground', className)} {...props} />;
}
