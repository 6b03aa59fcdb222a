import type { Metadata } from 'next';
import Link from 'next/link';
import { confirmEmailChange } from '@/lib/account/service';
import { hashToken, isTokenShaped } from '@/lib/auth/tokens';
import { TokenRefusedError, UniqueTakenError } from '@/lib/tenancy/lookups';

export const metadata: Metadata = { title: 'Confirm email' };

// Opening the emailed link confirms the change; every session ends, so the user signs in again
// with the new address.
export default async function ConfirmEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let message = 'Your email address has changed. Sign in again with the new address.';
  let ok = true;
  try {
    if (!isTokenShaped(token)) throw new TokenRefusedError('unusable');
    await confirmEmailChange(hashToken(token));
  } catch (error) {
    ok = false;
    if (error instanceof TokenRefusedError) message = error.message;
    else if (error instanceof UniqueTakenError) message = 'Another account already uses that address.';
    else throw error;
  }
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">{ok ? 'Email confirmed' : 'Link not valid'}</h1>
      <p className="mt-3 max-w-md text-slate-600">{message}</p>
      <Link href="/sign-in" className="mt-8 text-sm font-semibold text-brand-600">
        Sign in
      </Link>
    </main>
  );
}
