import { addProduct, listProductsPage } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { catalogueListQuery, productCreate } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'products.view', query: catalogueListQuery }, ({ query }) => listProductsPage(query));
export const POST = apiRoute({ permission: 'products.create', body: productCreate, status: 201 }, ({ body }) => addProduct(body));
export const { PUT, PATCH, DELETE } = otherMethods('GET, POST');
