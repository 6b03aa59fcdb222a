import type { Metadata } from 'next';
import Link from 'next/link';
import { Logo } from '@/components/marketing/logo';
import { requireUser } from '@/lib/auth/session';
import { signOutEverywhereAction } from './actions';
import { ChangeEmailForm, ChangePasswordForm } from './account-forms';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const user = await requireUser('/account');
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <Link href="/tenants" className="flex items-center gap-2 text-sm font-semibold text-slate-700">
        <Logo className="size-6" /> Back to your workspaces
      </Link>
      <h1 className="mt-8 text-2xl font-bold tracking-tight text-slate-900">Your account</h1>
      <p className="mt-1 text-sm text-slate-600">Signed in as {user.email}</p>
      <section className="mt-10 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="font-semibold text-slate-900">Password</h2>
        <div className="mt-4">
          <ChangePasswordForm />
        </div>
      </section>
      <section className="mt-6 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="font-semibold text-slate-900">Email</h2>
        <div className="mt-4">
          <ChangeEmailForm />
        </div>
      </section>
      <section className="mt-6 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="font-semibold text-slate-900">Sessions</h2>
        <p className="mt-1 text-sm text-slate-600">Signed in on a device you no longer use? End every session, this one included.</p>
        <form action={signOutEverywhereAction} className="mt-4">
          <button type="submit" className="rounded-lg bg-red-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-red-700">
            Sign out everywhere
          </button>
        </form>
      </section>
    </main>
  );
}
