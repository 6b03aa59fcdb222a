import { orderById, patchOrder } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { orderUpdate } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'orders.view' }, ({ id }) => orderById(id));
export const PATCH = apiRoute({ permission: 'orders.update', body: orderUpdate }, ({ id, body }) => patchOrder(id, body));
export const { POST, PUT, DELETE } = otherMethods('GET, PATCH');
