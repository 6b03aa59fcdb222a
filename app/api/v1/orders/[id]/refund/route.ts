import { refund } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { orderRefund } from '@/lib/api/schemas';

export const POST = apiRoute({ permission: 'orders.refund', body: orderRefund }, ({ id, body }) => refund(id, body));
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
