'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';

import { createApiKey, revokeApiKey } from '@/lib/api-keys/service';
import { tenantAction } from '@/lib/auth/entry';

export const createApiKeyAction = tenantAction(
  {
    input: z.object({
      name: z.string().trim().min(1, 'Name the key after what will use it, e.g. “Warehouse sync”.').max(80, 'Use at most 80 characters.'),
      scope: z.enum(['read', 'read_write'], { message: 'Choose read or read-write.' }),
    }),
    permission: 'api_keys.manage',
  },
  async (input, access) => {
    const created = await createApiKey(input);
    revalidatePath(`/t/${access.slug}/settings/api-keys`);
    return created;
  },
);

export const revokeApiKeyAction = tenantAction(
  { input: z.object({ keyId: z.uuid('Unknown API key.') }), permission: 'api_keys.manage' },
  async (input, access) => {
    await revokeApiKey(input.keyId);
    revalidatePath(`/t/${access.slug}/settings/api-keys`);
  },
);
