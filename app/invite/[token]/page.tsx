import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from '@/components/marketing/logo';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { currentUser } from '@/lib/auth/session';
import { hashToken, isTokenShaped } from '@/lib/auth/tokens';
import { invitationByToken } from '@/lib/tenancy/lookups';
import { acceptInviteAction, signUpInvitedAction } from './actions';
import { AcceptForm, InvitedSignUpForm } from './invite-forms';

export const metadata: Metadata = { title: 'Invitation' };

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-slate-50 px-6 py-12">
      <Logo className="size-10" />
      <div className="mt-6 w-full max-w-md rounded-2xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
        <h1 className="text-xl font-bold tracking-tight text-slate-900">{title}</h1>
        <div className="mt-4 space-y-4 text-sm text-slate-600">{children}</div>
      </div>
    </main>
  );
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = isTokenShaped(token) ? await invitationByToken(hashToken(token)) : undefined;
  if (!invitation) return <Card title="Invitation not found">This invitation link is not valid. Ask for a new one.</Card>;
  if (invitation.acceptedAt || invitation.revokedAt) return <Card title="Invitation no longer valid">This invitation has already been used or was withdrawn.</Card>;
  if (invitation.expiresAt < new Date()) return <Card title="Invitation expired">This invitation has expired. Ask whoever invited you for a new one.</Card>;

  const title = `Join ${invitation.tenantName}`;
  const user = await currentUser();
  if (user && user.email === invitation.email) {
    return (
      <Card title={title}>
        <p>
          You are invited to <strong>{invitation.tenantName}</strong> as <strong>{invitation.role}</strong>.
        </p>
        <AcceptForm action={acceptInviteAction.bind(null, token)} />
      </Card>
    );
  }
  if (user) {
    return (
      <Card title={title}>
        <p>
          This invitation was sent to <strong>{invitation.email}</strong>, but you are signed in as <strong>{user.email}</strong>. Sign out and
          sign in with the invited address.
        </p>
        <SignOutButton />
      </Card>
    );
  }
  return (
    <Card title={title}>
      <p>
        You are invited to <strong>{invitation.tenantName}</strong> as <strong>{invitation.role}</strong>. Create your account to join.
      </p>
      <InvitedSignUpForm action={signUpInvitedAction.bind(null, token)} email={invitation.email} />
      <p>
        Already have an account for {invitation.email}?{' '}
        <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className="font-semibold text-brand-600">
          Sign in to accept
        </Link>
      </p>
    </Card>
  );
}
