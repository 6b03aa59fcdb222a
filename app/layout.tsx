import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Bulkhead — multi-tenancy that does not leak', template: '%s · Bulkhead' },
  description:
    'A reference SaaS application: Next.js, Prisma and PostgreSQL row-level security, with tenant isolation proven by tests.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
