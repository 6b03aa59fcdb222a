import Link from 'next/link';
import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

import { buttonVariants, type ButtonVariants } from './button';

/** A link that looks like a button: it navigates (a GET), so it is an <a>, never a <button>. */
export function LinkButton({ className, variant, size, ...props }: ComponentProps<typeof Link> & ButtonVariants) {
  return <Link data-slot="link-button" className={cn(buttonVariants({ variant, size }), className)} {...props} />;
}
