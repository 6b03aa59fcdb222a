import { revenue } from '@/lib/api/commerce';
import { apiRoute, otherMethods } from '@/lib/api/route';
import { revenueQuery } from '@/lib/api/schemas';

export const GET = apiRoute({ permission: 'revenue.view', query: revenueQuery }, ({ query }) => revenue(query));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
