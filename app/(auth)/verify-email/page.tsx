import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { ButtonForm } from '@/components/forms/button-form';
import { PageHeader } from '@/components/ui/page-header';
import { currentUser } from '@/lib/auth/session';

import { resendVerificationAction } from './actions';

export const metadata: Metadata = { title: 'Confirm your email' };

// Where a signed-in user whose address is not verified yet lands instead of a workspace.
export default async function VerifyEmailPage() {
  const user = await currentUser();
  if (!user) redirect('/sign-in?callbackUrl=%2Fverify-email');
  if (user.emailVerified) redirect('/tenants');
  return (
    <>
      <PageHeader
        title="Confirm your email"
        description={
          <>
            Before you can open a workspace, confirm that <strong className="text-foreground">{user.email}</strong> is your address: open
            the link we sent to it. Workspaces, invitations and API keys wait until then.
          </>
        }
      />
      <ButtonForm action={resendVerificationAction} label="Send a new link" pendingLabel="Sending…" />
    </>
  );
}
