import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/session';
import { safeReturnPath } from '@/lib/auth/redirects';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoMode } from '@/lib/demo';
import { signInWithGitHubAction } from './actions-oauth';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; changed?: string }> }) {
  const { callbackUrl, changed } = await searchParams;
  if (await currentUser()) redirect(safeReturnPath(callbackUrl));
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Welcome back. Your workspaces are one step away.</p>
      {changed === 'password' ? (
        <p className="mt-6 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800" role="status">
          Your password has changed. Sign in with the new one.
        </p>
      ) : null}
      <div className="mt-8">
        <SignInForm callbackUrl={safeReturnPath(callbackUrl, '')} />
      </div>
      {process.env.AUTH_GITHUB_ID ? (
        <form action={signInWithGitHubAction.bind(null, safeReturnPath(callbackUrl))} className="mt-4">
          <button type="submit" className="w-full rounded-lg bg-slate-900 px-3.5 py-2 text-sm font-semibold text-white hover:bg-slate-800">
            Continue with GitHub
          </button>
        </form>
      ) : null}
      {demoMode() ? (
        <div className="mt-8 rounded-xl bg-slate-50 p-4 text-sm ring-1 ring-slate-200" aria-label="Demo accounts">
          <p className="font-medium text-slate-800">Demo accounts (password: <code>{DEMO_PASSWORD}</code>)</p>
          <ul className="mt-2 space-y-1 text-slate-600">
            {DEMO_ACCOUNTS.map((account) => (
              <li key={account.email}>
                <code>{account.email}</code> — {account.memberships.map((m) => `${m.role} of ${m.tenant}`).join(', ')}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
