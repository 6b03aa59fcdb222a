'use server';

import { z } from 'zod';

import { publicAction } from '@/lib/actions/client';
import { signInWithPassword } from '@/lib/auth/sign-in';

const schema = z.object({
  email: z.string().trim().toLowerCase().email('Enter your email address.'),
  password: z.string().min(1, 'Enter your password.'),
  callbackUrl: z.string().optional(),
});

export const signInAction = publicAction.action(schema, signInWithPassword);
