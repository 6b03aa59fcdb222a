import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { safeReturnPath } from '@/lib/auth/redirects';
import { currentUser, pendingTwoFactor } from '@/lib/auth/session';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoMode } from '@/lib/demo';

import { signInWithGitHubAction } from './actions-oauth';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

// What the page says on arrival: after a change, a verification, or a refused GitHub sign-in.
const NOTICES: Record<string, { tone: 'ok' | 'error'; text: string }> = {
  'changed:password': { tone: 'ok', text: 'Your password has changed. Sign in with the new one.' },
  'changed:email': { tone: 'ok', text: 'Your email address has changed. Sign in with the new one.' },
  'verified:1': { tone: 'ok', text: 'Your email address is confirmed. Sign in to open your workspace.' },
  'error:unverified_email': {
    tone: 'error',
    text: 'Your GitHub account has no verified primary email address. Verify one on GitHub, or sign in with your password.',
  },
  'error:AccessDenied': { tone: 'error', text: 'That sign-in was refused. Try again, or sign in with your password.' },
  'error:Configuration': { tone: 'error', text: 'Sign-in with that provider failed. Try again, or sign in with your password.' },
};

function noticeOf(params: Record<string, string | string[] | undefined>) {
  for (const key of ['error', 'changed', 'verified']) {
    const value = params[key];
    // A repeated parameter arrives as an array: no notice for it (Object.hasOwn: no prototype keys).
    if (typeof value === 'string' && value) return Object.hasOwn(NOTICES, `${key}:${value}`) ? NOTICES[`${key}:${value}`] : undefined;
  }
  return undefined;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const { callbackUrl } = params;
  const notice = noticeOf(params);
  if (await currentUser()) redirect(safeReturnPath(callbackUrl));
  // Half-way through a two-factor sign-in: the code is what is missing, not the password.
  if (await pendingTwoFactor()) redirect(`/sign-in/two-factor?callbackUrl=${encodeURIComponent(safeReturnPath(callbackUrl))}`);
  return (
    <>
      <PageHeader title="Sign in" description="Welcome back. Your workspaces are one step away." />
      {notice ? (
        <Alert
          variant={notice.tone === 'ok' ? 'success' : 'destructive'}
          className="mt-6"
          role={notice.tone === 'ok' ? 'status' : 'alert'}
          data-testid="sign-in-notice"
        >
          {notice.text}
        </Alert>
      ) : null}
      <div className="mt-8">
        <SignInForm callbackUrl={safeReturnPath(callbackUrl, '')} />
      </div>
      {process.env.AUTH_GITHUB_ID ? (
        <form action={signInWithGitHubAction.bind(null, safeReturnPath(callbackUrl))} className="mt-4">
          <Button type="submit" variant="outline" className="w-full">
            Continue with GitHub
          </Button>
        </form>
      ) : null}
      {demoMode() ? (
        <div className="mt-8 rounded-xl border bg-muted p-4 text-sm" aria-label="Demo accounts">
          <p className="font-medium text-foreground">
            Demo accounts (password: <code>{DEMO_PASSWORD}</code>)
          </p>
          <ul className="mt-2 space-y-1 text-muted-foreground">
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
