import { listOrdersPage, placeOrder } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { orderCreate, orderListQuery } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'orders.view', query: orderListQuery }, ({ query }) => listOrdersPage(query));
export const POST = apiRoute({ permission: 'orders.create', body: orderCreate, status: 201 }, ({ body }) => placeOrder(body));
export const { PUT, PATCH, DELETE } = otherMethods('GET, POST');
