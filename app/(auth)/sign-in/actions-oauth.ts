'use server';

import { signIn } from '@/lib/auth/config';
import { safeReturnPath } from '@/lib/auth/redirects';

export async function signInWithGitHubAction(callbackUrl: string) {
  await signIn('github', { redirectTo: safeReturnPath(callbackUrl) });
}
