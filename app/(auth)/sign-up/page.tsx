import type { Metadata } from 'next';

import { PageHeader } from '@/components/ui/page-header';

import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create a workspace' };

export default function SignUpPage() {
  return (
    <>
      <PageHeader title="Create your workspace" description="You become its owner and can invite your team right away." />
      <div className="mt-8">
        <SignUpForm />
      </div>
    </>
  );
}
