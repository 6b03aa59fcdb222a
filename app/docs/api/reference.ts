import { openApiDocument } from '@/lib/api/openapi';

// Reads the OpenAPI document into what the reference page shows: operations with their
// parameters, body fields and responses, with every $ref resolved. The page draws only from here,
// so it says exactly what /api/v1/openapi.json says.

type Doc = ReturnType<typeof openApiDocument>;
type Components = NonNullable<Doc['components']>;
type Schema = NonNullable<Components['schemas']>[string];
type PathItem = NonNullable<Doc['paths']>[string];
type Operation = NonNullable<PathItem['get']>;
type Parameter = NonNullable<Components['parameters']>[string];
type Response = NonNullable<Components['responses']>[string];

export interface Field {
  /** Dotted path: `lines[].quantity`. */
  name: string;
  type: string;
  required: boolean;
  /** Limits, format, default: what a value must look like. */
  rules: string[];
  description?: string;
}

export interface ResponseDoc {
  status: string;
  description: string;
  /** The component name of the body's schema (`Order`, `Problem`). */
  schemaName?: string;
  headers: string[];
  problem: boolean;
  /** The body's fields, for a success response (every problem has the same shape). */
  fields: Field[];
}

export interface OperationDoc {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  scope: string;
  permission: string;
  creatorRoles: string[];
  parameters: (Field & { in: string })[];
  body?: { required: boolean; fields: Field[]; schemaName?: string };
  responses: ResponseDoc[];
  curl: string;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
const MAX_DEPTH = 4;

function isRef(value: object): value is { $ref: string } {
  return '$ref' in value && typeof value.$ref === 'string';
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function resolveSchema(doc: Doc, schema: Schema): Exclude<Schema, { $ref: string }> {
  return isRef(schema) ? resolveSchema(doc, doc.components!.schemas![refName(schema.$ref)]!) : schema;
}

function typeOf(doc: Doc, raw: Schema): string {
  const schema = resolveSchema(doc, raw);
  const types = ([] as string[]).concat(schema.type ?? []);
  const nullable = types.includes('null') ? ' | null' : '';
  const base = types.find((type) => type !== 'null');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ') + nullable;
  if (base === 'array' && schema.items) return `${typeOf(doc, schema.items)}[]${nullable}`;
  if (base === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `{ [key]: ${typeOf(doc, schema.additionalProperties)} }${nullable}`;
  }
  if (base === 'object' && isRef(raw)) return refName(raw.$ref) + nullable;
  return (base === 'string' && schema.format ? `string (${schema.format})` : (base ?? 'any')) + nullable;
}

function rulesOf(doc: Doc, raw: Schema): string[] {
  const schema = resolveSchema(doc, raw);
  const rules: string[] = [];
  if (schema.minLength !== undefined && schema.maxLength !== undefined) rules.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.maxLength !== undefined) rules.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) rules.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) rules.push(`≥ ${schema.minimum}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined) rules.push(`${schema.minItems ?? 0}–${schema.maxItems ?? '∞'} items`);
  if (schema.pattern && !schema.format) rules.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) rules.push(`default ${JSON.stringify(schema.default)}`);
  return rules;
}

/** The fields of an object schema, nested objects and arrays of objects flattened to dotted names. */
export function fieldsOf(doc: Doc, raw: Schema, prefix = '', depth = 0): Field[] {
  const schema = resolveSchema(doc, raw);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
    const name = `${prefix}${key}`;
    const resolved = resolveSchema(doc, property);
    const field: Field = {
      name,
      type: typeOf(doc, property),
      required: required.has(key),
      rules: rulesOf(doc, property),
      description: resolved.description,
    };
    const inner = resolved.items ? resolveSchema(doc, resolved.items) : resolved;
    const nested = inner.properties && depth < MAX_DEPTH ? fieldsOf(doc, inner, `${name}${resolved.items ? '[]' : ''}.`, depth + 1) : [];
    return [field, ...nested];
  });
}

function parametersOf(doc: Doc, operation: Operation): OperationDoc['parameters'] {
  return (operation.parameters ?? []).map((raw) => {
    const parameter = (isRef(raw) ? doc.components!.parameters![refName(raw.$ref)] : raw) as Exclude<Parameter, { $ref: string }>;
    const schema = (parameter.schema ?? {}) as Schema;
    return {
      name: parameter.name,
      in: parameter.in,
      type: typeOf(doc, schema),
      required: parameter.required ?? false,
      rules: rulesOf(doc, schema),
      description: parameter.description ?? resolveSchema(doc, schema).description,
    };
  });
}

function responsesOf(doc: Doc, operation: Operation): ResponseDoc[] {
  return Object.entries(operation.responses ?? {}).map(([status, raw]) => {
    const response = (isRef(raw as object) ? doc.components!.responses![refName((raw as { $ref: string }).$ref)] : raw) as Exclude<
      Response,
      { $ref: string }
    >;
    const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
    const schema = media?.schema;
    const problem = mediaType === 'application/problem+json';
    return {
      status,
      description: response.description,
      schemaName: schema && isRef(schema) ? refName(schema.$ref) : undefined,
      headers: Object.keys(response.headers ?? {}),
      problem,
      fields: schema && !problem ? fieldsOf(doc, schema) : [],
    };
  });
}

function operationOf(doc: Doc, path: string, method: string, operation: Operation): OperationDoc {
  const extensions = operation as Operation & {
    'x-permission': string;
    'x-creator-roles': string[];
    'x-codeSamples': { source: string }[];
  };
  const body = operation.requestBody && !isRef(operation.requestBody) ? operation.requestBody : undefined;
  const bodySchema = body?.content['application/json']?.schema;
  const security = operation.security?.[0] ?? {};
  return {
    id: operation.operationId ?? `${method}-${path}`,
    method: method.toUpperCase(),
    path: `${doc.servers?.[0]?.url ?? ''}${path}`,
    summary: operation.summary ?? '',
    description: operation.description,
    tag: operation.tags?.[0] ?? '',
    scope: Object.values(security)[0]?.[0] ?? '',
    permission: extensions['x-permission'],
    creatorRoles: extensions['x-creator-roles'],
    parameters: parametersOf(doc, operation),
    body: bodySchema
      ? {
          required: body?.required ?? false,
          fields: fieldsOf(doc, bodySchema),
          schemaName: isRef(bodySchema) ? refName(bodySchema.$ref) : undefined,
        }
      : undefined,
    responses: responsesOf(doc, operation),
    curl: extensions['x-codeSamples'][0]?.source ?? '',
  };
}

export function apiReference() {
  const doc = openApiDocument();
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [operationOf(doc, path, method, item[method])] : [])),
  );
  const tags = (doc.tags ?? []).map((tag) => ({
    name: tag.name,
    description: tag.description,
    operations: operations.filter((op) => op.tag === tag.name),
  }));
  const schemas = doc.components?.schemas ?? {};
  return { doc, tags, problemFields: schemas.Problem ? fieldsOf(doc, schemas.Problem) : [] };
}
