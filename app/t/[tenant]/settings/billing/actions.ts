'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { planProvider } from '@/lib/billing/plans';

export const changePlanAction = tenantAction(
  { input: z.object({ plan: z.enum(['free', 'pro', 'enterprise'], { message: 'Choose a plan.' }) }), permission: 'billing.update' },
  async (input, access) => {
    const result = await planProvider().changePlan(input.plan);
    if (!result.applied) redirect(result.redirectTo);
    revalidatePath(`/t/${access.slug}`, 'layout');
    return { plan: input.plan, from: result.from };
  },
);
