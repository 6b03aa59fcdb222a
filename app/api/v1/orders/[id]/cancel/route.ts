import { cancel } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';

export const POST = apiRoute({ permission: 'orders.cancel' }, ({ id }) => cancel(id));
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
