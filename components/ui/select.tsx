import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

import { controlClasses } from './input';

/**
 * A native <select>, styled like the other controls: the browser's own list (keyboard, screen
 * readers, mobile pickers) and no JavaScript. Options are plain <option> children.
 */
export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select data-slot="select" className={cn(controlClasses, 'py-2 pr-8 pl-3', className)} {...props} />;
}
