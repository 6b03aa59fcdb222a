'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { slugSchema } from '@/lib/auth/slug';
import { setTwoFactorRule, updateTenantSettings } from '@/lib/settings/service';

export const updateSettingsAction = tenantAction(
  {
    input: z.object({
      name: z.string().trim().min(2, 'Use at least 2 characters.').max(80, 'Use at most 80 characters.'),
      slug: slugSchema,
      timezone: z.string().trim().min(1, 'Choose a time zone.'),
    }),
    permission: 'settings.update',
  },
  async (input, access) => {
    const { slug } = await updateTenantSettings(input);
    revalidatePath('/', 'layout');
    if (slug !== access.slug) redirect(`/t/${slug}/settings?saved=1`);
    return { saved: true };
  },
);

/** Owners and admins: members must (or need not) use two-factor sign-in to enter this workspace. */
export const updateTwoFactorRuleAction = tenantAction(
  {
    input: z.object({ requireTwoFactor: z.enum(['on', 'off'], { message: 'Choose whether members must use two-factor sign-in.' }) }),
    permission: 'settings.update',
  },
  async (input, access) => {
    await setTwoFactorRule(input.requireTwoFactor === 'on', access);
    revalidatePath(`/t/${access.slug}/settings`);
    return { required: input.requireTwoFactor === 'on' };
  },
);
