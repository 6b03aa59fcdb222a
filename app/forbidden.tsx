import Link from 'next/link';

// 403: inside your own workspace, your role does not allow this. (Anything of another workspace is
// a 404, never this page.)
export default function Forbidden() {
  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold text-warning">403</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-foreground">Not allowed for your role</h1>
      <p className="mt-4 max-w-md text-muted-foreground">
        Your role in this workspace does not include this page. Ask an owner or admin if you need it.
      </p>
      <Link href="/tenants" className="mt-8 text-sm font-semibold text-primary hover:underline">
        Back to your workspaces
      </Link>
    </main>
  );
}
