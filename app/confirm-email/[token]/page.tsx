import type { Metadata } from 'next';

import { ButtonForm } from '@/components/forms/button-form';
import { PageHeader } from '@/components/ui/page-header';

import { confirmEmailChangeAction } from './actions';

export const metadata: Metadata = { title: 'Confirm email' };

// Opening the emailed link changes nothing — mail scanners open links; the button does. Confirming
// ends every session (sign in again with the new address) and tells the old address.
export default async function ConfirmEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6">
      <div className="w-full max-w-md text-center">
        <PageHeader
          title="Confirm your new email address"
          description="Your sign-in address changes when you confirm. Every session ends, and your old address is told."
        />
        <ButtonForm action={confirmEmailChangeAction.bind(null, token)} label="Confirm the new address" pendingLabel="Confirming…" />
      </div>
    </main>
  );
}
