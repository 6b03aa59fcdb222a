'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { customerInput as customer } from '@/lib/commerce/schemas';
import { createCustomer, setCustomerArchived, updateCustomer } from '@/lib/customers/service';
import { id, version } from '@/lib/validation';

export const createCustomerAction = tenantAction({ input: customer, permission: 'customers.create' }, async (input, access) => {
  const created = await createCustomer(input);
  redirect(`/t/${access.slug}/customers/${created.id}`);
});

export const updateCustomerAction = tenantAction(
  { input: customer.extend({ id: id('customer'), version }), permission: 'customers.update' },
  async ({ id: customerId, version: expected, ...input }, access) => {
    await updateCustomer(customerId, expected, input);
    revalidatePath(`/t/${access.slug}/customers/${customerId}`);
    return { saved: true };
  },
);

export const archiveCustomerAction = tenantAction(
  { input: z.object({ id: id('customer'), archived: z.enum(['true', 'false']) }), permission: 'customers.archive' },
  async (input, access) => {
    await setCustomerArchived(input.id, input.archived === 'true');
    revalidatePath(`/t/${access.slug}/customers`, 'layout');
  },
);
