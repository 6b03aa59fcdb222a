import { payOrder } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { orderPay } from '@/lib/api/schemas';

export const POST = apiRoute({ permission: 'orders.pay', body: orderPay }, ({ id, body }) => payOrder(id, body));
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
