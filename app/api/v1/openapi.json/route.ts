import { openApiDocument } from '@/lib/api/openapi';
import { otherMethods } from '@/lib/api/route';

// The API's OpenAPI 3.1 document: public (it describes the API, no workspace's data), built once
// per process from the schemas the handlers parse with.

export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
