import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { Logo } from '@/components/marketing/logo';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { Card } from '@/components/ui/card';
import { invitationFromLink } from '@/lib/account/invitations';
import { currentUser } from '@/lib/auth/session';

import { acceptInviteAction, signUpInvitedAction } from './actions';
import { AcceptForm, InvitedSignUpForm } from './invite-forms';

export const metadata: Metadata = { title: 'Invitation' };

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-muted px-6 py-12">
      <Logo className="size-10" />
      <Card className="mt-6 w-full max-w-md rounded-2xl p-8">
        <h1 className="text-xl font-bold tracking-tight">{title}</h1>
        <div className="space-y-4 text-sm text-muted-foreground">{children}</div>
      </Card>
    </main>
  );
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await invitationFromLink(token);
  if (!invitation) return <Panel title="Invitation not found">This invitation link is not valid. Ask for a new one.</Panel>;
  if (invitation.acceptedAt || invitation.revokedAt)
    return <Panel title="Invitation no longer valid">This invitation has already been used or was withdrawn.</Panel>;
  if (invitation.expiresAt < new Date())
    return <Panel title="Invitation expired">This invitation has expired. Ask whoever invited you for a new one.</Panel>;

  const title = `Join ${invitation.tenantName}`;
  const user = await currentUser();
  if (user && user.email === invitation.email) {
    return (
      <Panel title={title}>
        <p>
          You are invited to <strong>{invitation.tenantName}</strong> as <strong>{invitation.role}</strong>.
        </p>
        <AcceptForm action={acceptInviteAction.bind(null, token)} />
      </Panel>
    );
  }
  if (user) {
    return (
      <Panel title={title}>
        <p>
          This invitation was sent to <strong>{invitation.email}</strong>, but you are signed in as <strong>{user.email}</strong>. Sign out
          and sign in with the invited address.
        </p>
        <SignOutButton />
      </Panel>
    );
  }
  return (
    <Panel title={title}>
      <p>
        You are invited to <strong>{invitation.tenantName}</strong> as <strong>{invitation.role}</strong>. Create your account to join.
      </p>
      <InvitedSignUpForm action={signUpInvitedAction.bind(null, token)} email={invitation.email} />
      <p>
        Already have an account for {invitation.email}?{' '}
        <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className="font-semibold text-primary">
          Sign in to accept
        </Link>
      </p>
    </Panel>
  );
}
