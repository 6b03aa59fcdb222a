import { z } from 'zod';

import { minorUnits, optionalText, requiredText } from '../validation';

// A product's fields and their limits, as the service takes them (the price in minor units): the
// one definition that the back office's form (lib/commerce/schemas.ts, which reads the price as a
// decimal) and the API (lib/api/schemas.ts) are built from.

/** What a SKU may contain: letters, digits, dots, dashes and underscores. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]+$/;

export const productSchema = z.object({
  sku: requiredText(64, 'SKU').regex(SKU_PATTERN, 'Use letters, digits, dots, dashes and underscores.'),
  name: requiredText(120, 'Name'),
  description: optionalText(2000, 'Description'),
  unitPrice: minorUnits('unitPrice'),
});

export type ProductInput = z.output<typeof productSchema>;
