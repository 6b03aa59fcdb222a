import Link from 'next/link';

// One 404 for everything: a record that does not exist and a record of another tenant look the same.
export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold text-primary">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-foreground">Page not found</h1>
      <p className="mt-4 max-w-md text-muted-foreground">There is nothing here, or nothing you have access to.</p>
      <Link href="/" className="mt-8 text-sm font-semibold text-primary hover:underline">
        Back to the home page
      </Link>
    </main>
  );
}
