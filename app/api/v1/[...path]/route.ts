import { problem } from '@/lib/http/problem';

// Any other path under /api/v1: a problem+json 404 instead of the HTML not-found page.
const unknown = async (request: Request) =>
  problem('not_found', `There is no endpoint ${new URL(request.url).pathname}. See /api/v1/openapi.json.`);
export { unknown as GET, unknown as POST, unknown as PUT, unknown as PATCH, unknown as DELETE };
