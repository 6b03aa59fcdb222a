'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';

import { Button } from './button';

/** Asks the server for this page again (its data, not a full reload); the button waits meanwhile. */
export function RefreshButton({ label = 'Try again' }: { label?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button variant="outline" disabled={pending} onClick={() => startTransition(() => router.refresh())}>
      {pending ? 'Trying again…' : label}
    </Button>
  );
}
