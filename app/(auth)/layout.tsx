import Link from 'next/link';
import type { ReactNode } from 'react';

import { Logo } from '@/components/marketing/logo';
import { Card } from '@/components/ui/card';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center bg-muted px-6 py-12">
      <Link href="/" className="mb-8 flex items-center gap-2 text-lg font-semibold text-foreground">
        <Logo className="size-8" /> Bulkhead
      </Link>
      <Card className="w-full max-w-md rounded-2xl p-8">
        <div>{children}</div>
      </Card>
    </div>
  );
}
