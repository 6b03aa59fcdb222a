import { addCustomer, listCustomersPage } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { catalogueListQuery, customerCreate } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'customers.view', query: catalogueListQuery }, ({ query }) => listCustomersPage(query));
export const POST = apiRoute({ permission: 'customers.create', body: customerCreate, status: 201 }, ({ body }) => addCustomer(body));
export const { PUT, PATCH, DELETE } = otherMethods('GET, POST');
