'use server';

import { noInput, publicActionWith } from '@/lib/actions/client';
import { signIn } from '@/lib/auth/config';
import { safeReturnPath } from '@/lib/auth/redirects';

/** "Continue with GitHub", bound to where the person was going. */
export const signInWithGitHubAction = publicActionWith<[callbackUrl: string]>().formAction(
  noInput,
  async (_input, _context, [callbackUrl]) => {
    // Through the two-factor step, like a password sign-in (it passes anyone without two-factor on).
    await signIn('github', { redirectTo: `/sign-in/two-factor?callbackUrl=${encodeURIComponent(safeReturnPath(callbackUrl))}` });
  },
);
