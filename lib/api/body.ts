import type { z } from 'zod';

import { AppError, type FieldErrors } from '../errors';

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
  // Without a prototype, so ?__proto__= and ?constructor= are parameters like any other.
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(query, key))
      throw new AppError('validation_failed', 'Repeated query parameter.', { [key]: ['Give this parameter once.'] });
    query[key] = value;
  }
  return validate(schema, query);
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  const fieldErrors = fieldErrorsIn(parsed.success ? [] : parsed.error.issues);
  unstorableText(value, fieldErrors);
  if (!parsed.success || Object.keys(fieldErrors).length)
    throw new AppError('validation_failed', 'Some fields are not valid; see errors.', fieldErrors);
  return parsed.data;
}

/**
 * Like fieldErrorsOf (lib/errors), in an object without a prototype: the field names come from the
 * client, and a body naming "constructor" or "__proto__" would otherwise find Object.prototype's
 * members under `errors[name]` and turn a 422 into a 500.
 */
function fieldErrorsIn(issues: z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = Object.create(null);
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys)
        (fields[[...issue.path, unknown].join('.')] ??= []).push('Unknown field; remove it or check its spelling.');
      continue;
    }
    (fields[issue.path.join('.') || 'form'] ??= []).push(issue.message);
  }
  return fields;
}

/**
 * Adds to `fields` the strings PostgreSQL cannot store: text cannot hold U+0000, and an unpaired
 * surrogate has no UTF-8 form (jsonb refuses it). Left alone, either passes the schema and fails in
 * the database as a 500. Walked with a stack, not recursion: a 64 KB body can nest 30,000 deep.
 */
function unstorableText(value: unknown, fields: FieldErrors): void {
  type Path = { key: string; parent: Path } | undefined;
  const bad = (text: string) => text.includes('\0') || !text.isWellFormed();
  const flag = (path: Path) => {
    const keys: string[] = [];
    for (let at = path; at; at = at.parent) keys.push(at.key);
    (fields[keys.reverse().join('.') || 'form'] ??= []).push('Text must not contain NUL characters or unpaired surrogates.');
  };
  const stack: [unknown, Path][] = [[value, undefined]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (bad(current)) flag(path);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (bad(key)) flag({ key, parent: path });
        else stack.push([child, { key, parent: path }]);
      }
    }
  }
}
