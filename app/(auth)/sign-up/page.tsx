import type { Metadata } from 'next';

import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create a workspace' };

export default function SignUpPage() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-foreground">Create your workspace</h1>
      <p className="mt-1 text-sm text-muted-foreground">You become its owner and can invite your team right away.</p>
      <div className="mt-8">
        <SignUpForm />
      </div>
    </>
  );
}
