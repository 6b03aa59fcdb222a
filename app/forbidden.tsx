import Link from 'next/link';

// 403: inside your own workspace, your role does not allow this. (Anything of another workspace is
// a 404, never this page.)
export default function Forbidden() {
  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold text-amber-600">403</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">Not allowed for your role</h1>
      <p className="mt-4 max-w-md text-slate-600">Your role in this workspace does not include this page. Ask an owner or admin if you need it.</p>
      <Link href="/tenants" className="mt-8 text-sm font-semibold text-brand-600 hover:text-brand-700">
        Back to your workspaces
      </Link>
    </main>
  );
}
