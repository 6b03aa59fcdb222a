import type { Metadata } from 'next';

import { PageHeader } from '@/components/ui/page-header';

import { resetPasswordAction } from './actions';
import { ResetForm } from './reset-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <>
      <PageHeader title="Choose a new password" description="Every existing session ends when you save it." />
      <ResetForm action={resetPasswordAction.bind(null, token)} />
    </>
  );
}
