import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Logo } from '@/components/marketing/logo';
import { requireUser } from '@/lib/auth/session';
import { userTenants } from '@/lib/tenancy/lookups';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { CreateWorkspaceForm } from './create-workspace-form';

export const metadata: Metadata = { title: 'Choose a workspace' };

// After sign-in: straight into the only workspace, or a choice between several.
export default async function TenantPickerPage({ searchParams }: { searchParams: Promise<{ all?: string }> }) {
  const user = await requireUser();
  const tenants = await userTenants(user.id);
  const { all } = await searchParams;
  if (tenants.length === 1 && !all) redirect(`/t/${tenants[0]!.slug}`);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-slate-50 px-6">
      <Logo className="size-10" />
      <h1 className="mt-4 text-2xl font-bold tracking-tight text-slate-900">Choose a workspace</h1>
      <p className="mt-1 text-sm text-slate-600">Signed in as {user.email}</p>
      <ul className="mt-8 w-full max-w-md divide-y divide-slate-200 rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
        {tenants.map((tenant) => (
          <li key={tenant.slug}>
            <Link href={`/t/${tenant.slug}`} className="flex items-center justify-between px-5 py-4 hover:bg-slate-50">
              <span className="font-medium text-slate-900">{tenant.name}</span>
              <span className="text-xs text-slate-500 capitalize">{tenant.role}</span>
            </Link>
          </li>
        ))}
        {tenants.length === 0 ? <li className="px-5 py-4 text-sm text-slate-600">You are not a member of any workspace yet.</li> : null}
      </ul>
      <details className="mt-6 w-full max-w-md rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer text-sm font-semibold text-slate-900">Create another workspace</summary>
        <div className="mt-4">
          <CreateWorkspaceForm />
        </div>
      </details>
      <div className="mt-6 flex items-center gap-6">
        <Link href="/account" className="text-sm font-medium text-slate-600 hover:text-slate-900">
          Account
        </Link>
        <SignOutButton />
      </div>
    </main>
  );
}
