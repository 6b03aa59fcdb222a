import type { Metadata } from 'next';
import Link from 'next/link';

import { Logo } from '@/components/marketing/logo';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';

import { ChangeEmailForm, ChangePasswordForm } from './account-forms';
import { signOutEverywhereAction } from './actions';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const user = await requireUser('/account');
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <Link href="/tenants" className="flex items-center gap-2 text-sm font-semibold text-foreground">
        <Logo className="size-6" /> Back to your workspaces
      </Link>
      <PageHeader title="Your account" description={<>Signed in as {user.email}</>} className="mt-8" />
      <Card as="section" className="mt-10">
        <CardHeader>
          <CardTitle>Password</CardTitle>
        </CardHeader>
        <CardContent>
          <ChangePasswordForm />
        </CardContent>
      </Card>
      <Card as="section" className="mt-6">
        <CardHeader>
          <CardTitle>Email</CardTitle>
        </CardHeader>
        <CardContent>
          <ChangeEmailForm />
        </CardContent>
      </Card>
      <Card as="section" className="mt-6">
        <CardHeader>
          <CardTitle>Two-factor sign-in</CardTitle>
          <CardDescription>A code from an authenticator app on top of your password or GitHub.</CardDescription>
        </CardHeader>
        <CardContent>
          <Link href="/account/two-factor" className="inline-block text-sm font-semibold text-primary hover:underline">
            Manage two-factor sign-in
          </Link>
        </CardContent>
      </Card>
      <Card as="section" className="mt-6">
        <CardHeader>
          <CardTitle>Sessions</CardTitle>
          <CardDescription>Signed in on a device you no longer use? End every session, this one included.</CardDescription>
        </CardHeader>
        <CardContent>
          <form action={signOutEverywhereAction}>
            <Button type="submit" variant="destructive">
              Sign out everywhere
            </Button>
          </form>
        </CardContent>
      </Card>
    </main>
  );
}
