import type { Metadata } from 'next';

import { ButtonForm } from '@/components/forms/button-form';

import { confirmEmailAddressAction } from '../actions';

export const metadata: Metadata = { title: 'Confirm your email' };

// Opening the emailed link changes nothing (mail scanners open links); the button does.
export default async function ConfirmAddressPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-foreground">Confirm your email</h1>
      <p className="mt-3 text-sm text-muted-foreground">One click and your address is confirmed; your workspace opens after you sign in.</p>
      <ButtonForm action={confirmEmailAddressAction.bind(null, token)} label="Confirm my email address" pendingLabel="Confirming…" />
    </>
  );
}
