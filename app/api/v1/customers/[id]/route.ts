import { customerById, patchCustomer } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { customerUpdate } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'customers.view' }, ({ id }) => customerById(id));
export const PATCH = apiRoute({ permission: 'customers.update', body: customerUpdate }, ({ id, body }) => patchCustomer(id, body));
export const { POST, PUT, DELETE } = otherMethods('GET, PATCH');
