import type { Metadata } from 'next';

import { resetPasswordAction } from './actions';
import { ResetForm } from './reset-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-foreground">Choose a new password</h1>
      <p className="mt-1 text-sm text-muted-foreground">Every existing session ends when you save it.</p>
      <ResetForm action={resetPasswordAction.bind(null, token)} />
    </>
  );
}
