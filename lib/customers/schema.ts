import { z } from 'zod';

import { email, optionalText, requiredText } from '../validation';

// A customer's fields and their limits, as the service takes them: the one definition that the
// back office's form (lib/commerce/schemas.ts) and the API (lib/api/schemas.ts) are built from.

export const customerSchema = z.object({
  name: requiredText(120, 'Name'),
  email,
  phone: optionalText(40, 'Phone'),
  company: optionalText(120, 'Company'),
  notes: optionalText(2000, 'Notes'),
});

export type CustomerInput = z.output<typeof customerSchema>;
