import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { PageHeader } from '@/components/ui/page-header';
import { safeReturnPath } from '@/lib/auth/redirects';
import { currentUser, pendingTwoFactor } from '@/lib/auth/session';

import { cancelTwoFactorSignInAction } from './actions';
import { TwoFactorSignInForm } from './two-factor-form';

export const metadata: Metadata = { title: 'Two-factor sign-in' };

// The second step of signing in, for a person with two-factor on. Everyone else passes through:
// signed in → where they were going; not signed in (or the pending sign-in expired) → sign-in.
export default async function TwoFactorSignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const returnTo = safeReturnPath(callbackUrl);
  if (await currentUser()) redirect(returnTo);
  if (!(await pendingTwoFactor())) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return (
    <>
      <PageHeader
        title="Two-factor sign-in"
        description="Your password was right. Now enter the code your authenticator app shows for Bulkhead."
      />
      <div className="mt-8">
        <TwoFactorSignInForm callbackUrl={returnTo} />
      </div>
      <p className="mt-6 text-sm text-muted-foreground">
        Lost your phone? Enter one of the recovery codes you saved when you turned two-factor on. Each works once.
      </p>
      <form action={cancelTwoFactorSignInAction} className="mt-4">
        <button type="submit" className="text-sm font-semibold text-primary hover:underline">
          Cancel and sign out
        </button>
      </form>
    </>
  );
}
