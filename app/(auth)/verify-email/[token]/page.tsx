import type { Metadata } from 'next';

import { ButtonForm } from '@/components/forms/button-form';
import { PageHeader } from '@/components/ui/page-header';

import { confirmEmailAddressAction } from '../actions';

export const metadata: Metadata = { title: 'Confirm your email' };

// Opening the emailed link changes nothing (mail scanners open links); the button does.
export default async function ConfirmAddressPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <>
      <PageHeader
        title="Confirm your email"
        description="One click and your address is confirmed; your workspace opens after you sign in."
      />
      <ButtonForm action={confirmEmailAddressAction.bind(null, token)} label="Confirm my email address" pendingLabel="Confirming…" />
    </>
  );
}
