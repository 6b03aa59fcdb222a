import { patchProduct, productById } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { productUpdate } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'products.view' }, ({ id }) => productById(id));
export const PATCH = apiRoute({ permission: 'products.update', body: productUpdate }, ({ id, body }) => patchProduct(id, body));
export const { POST, PUT, DELETE } = otherMethods('GET, PATCH');
