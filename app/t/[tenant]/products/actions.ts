'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { productInput as product } from '@/lib/commerce/schemas';
import { createProduct, setProductArchived, updateProduct } from '@/lib/products/service';
import { id, version } from '@/lib/validation';

export const createProductAction = tenantAction({ input: product, permission: 'products.create' }, async (input, access) => {
  const created = await createProduct(input);
  redirect(`/t/${access.slug}/products/${created.id}`);
});

export const updateProductAction = tenantAction(
  { input: product.extend({ id: id('product'), version }), permission: 'products.update' },
  async ({ id: productId, version: expected, ...input }, access) => {
    await updateProduct(productId, expected, input);
    revalidatePath(`/t/${access.slug}/products/${productId}`);
    return { saved: true };
  },
);

export const archiveProductAction = tenantAction(
  { input: z.object({ id: id('product'), archived: z.enum(['true', 'false']) }), permission: 'products.archive' },
  async (input, access) => {
    await setProductArchived(input.id, input.archived === 'true');
    revalidatePath(`/t/${access.slug}/products`, 'layout');
  },
);
