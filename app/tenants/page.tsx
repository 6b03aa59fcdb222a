import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';

import { Logo } from '@/components/marketing/logo';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { PageHeader } from '@/components/ui/page-header';
import { userTenants } from '@/lib/account/workspaces';
import { requireUser } from '@/lib/auth/session';

import { CreateWorkspaceForm } from './create-workspace-form';

export const metadata: Metadata = { title: 'Choose a workspace' };

// After sign-in: straight into the only workspace, or a choice between several.
export default async function TenantPickerPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!user.emailVerified) redirect('/verify-email');
  const tenants = await userTenants(user.id);
  const { all } = await searchParams;
  if (tenants.length === 1 && !all) redirect(`/t/${tenants[0]!.slug}`);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-muted px-6">
      <Logo className="size-10" />
      <PageHeader title="Choose a workspace" description={<>Signed in as {user.email}</>} className="mt-4" />
      <ul className="mt-8 w-full max-w-md divide-y overflow-hidden rounded-2xl border bg-card text-card-foreground shadow-sm">
        {tenants.map((tenant) => (
          <li key={tenant.slug}>
            <Link href={`/t/${tenant.slug}`} className="flex items-center justify-between px-5 py-4 hover:bg-muted">
              <span className="font-medium text-foreground">{tenant.name}</span>
              <span className="text-xs text-muted-foreground capitalize">{tenant.role}</span>
            </Link>
          </li>
        ))}
        {tenants.length === 0 ? (
          <li className="px-5 py-4 text-sm text-muted-foreground">You are not a member of any workspace yet.</li>
        ) : null}
      </ul>
      <details className="mt-6 w-full max-w-md rounded-2xl border bg-card p-5 text-card-foreground shadow-sm">
        <summary className="cursor-pointer text-sm font-semibold text-foreground">Create another workspace</summary>
        <div className="mt-4">
          <CreateWorkspaceForm />
        </div>
      </details>
      <div className="mt-6 flex items-center gap-6">
        <Link href="/account" className="text-sm font-medium text-muted-foreground hover:text-foreground">
          Account
        </Link>
        <SignOutButton />
      </div>
    </main>
  );
}
