import type { z } from 'zod';
import { AppError, fieldErrorsOf } from '../errors';

// Request input for the API: the JSON body (size-limited, JSON only, strict schema) and the query
// string (strict schema too: a misspelt filter is an error, not a silently unfiltered list).

export const MAX_BODY_BYTES = 64 * 1024;

/** The raw body text, refused past MAX_BODY_BYTES without reading the rest. */
export async function readBodyText(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

const tooLarge = () => new AppError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);

export function parseJsonBody<T>(text: string, contentType: string | null, schema: z.ZodType<T>): T {
  let value: unknown = {};
  if (text.trim() !== '') {
    if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '')) {
      throw new AppError('unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new AppError('bad_request', `The body is not valid JSON: ${(error as Error).message}`);
    }
  }
  return validate(schema, value);
}

export function parseQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in query) throw new AppError('validation_failed', 'Repeated query parameter.', { [key]: ['Give this parameter once.'] });
    query[key] = value;
  }
  return validate(schema, query);
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('validation_failed', 'Some fields are not valid; see errors.', fieldErrorsOf(parsed.error));
  return parsed.data;
}
