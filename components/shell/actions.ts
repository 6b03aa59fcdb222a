'use server';

import { noInput, publicAction } from '@/lib/actions/client';
import { signOut } from '@/lib/auth/config';

export const signOutAction = publicAction.formAction(noInput, async () => {
  await signOut({ redirectTo: '/sign-in' });
});
