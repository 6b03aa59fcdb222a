import { cancel } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { orderCancel } from '@/lib/api/schemas';

export const POST = apiRoute({ permission: 'orders.cancel', body: orderCancel }, ({ id }) => cancel(id));
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
