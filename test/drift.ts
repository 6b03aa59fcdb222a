import type { DMMF } from '@prisma/generator-helper';
import pg from 'pg';

// Compares Prisma's parsed data model with the live catalog of a migrated database: every model ↔
// table, field ↔ column (type, nullability, list), enum ↔ type, and every @id / @unique / @@index /
// relation ↔ primary key, unique index, index, foreign key. Returns one human sentence per
// difference; an empty list means schema.prisma and the migrations agree.

type Datamodel = DMMF.Datamodel;

/** Tables that exist in the database on purpose without a Prisma model, with the reason. */
export const TABLES_WITHOUT_MODEL: Record<string, string> = {
  _prisma_migrations: "Prisma's migration ledger",
};

interface Column {
  table: string;
  column: string;
  type: string; // format_type(): "uuid", "character(3)", "timestamp(3) with time zone", "text[]"…
  notNull: boolean;
}
interface IndexInfo {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}
interface ForeignKey {
  table: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
}
export interface Catalog {
  columns: Column[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKey[];
  enums: Record<string, string[]>;
}

export async function readCatalog(connectionString: string, schema = 'public'): Promise<Catalog> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const columns = await client.query<Column>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull"
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
      [schema],
    );
    const indexes = await client.query<IndexInfo>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1`,
      [schema],
    );
    const foreignKeys = await client.query<ForeignKey>(
      `SELECT t.relname AS table, r.relname AS references,
              array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
              array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS "referencedColumns"
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE con.contype = 'f' AND n.nspname = $1`,
      [schema],
    );
    const enums = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 GROUP BY t.typname`,
      [schema],
    );
    return {
      columns: columns.rows,
      indexes: indexes.rows,
      foreignKeys: foreignKeys.rows,
      enums: Object.fromEntries(enums.rows.map((e) => [e.name, e.values])),
    };
  } finally {
    await client.end();
  }
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  Char: ([n]) => `character(${n ?? 1})`,
  VarChar: ([n]) => (n ? `character varying(${n})` : 'character varying'),
  Timestamptz: ([p]) => `timestamp(${p ?? 6}) with time zone`,
  Timestamp: ([p]) => `timestamp(${p ?? 6}) without time zone`,
  Date: () => 'date',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  Inet: () => 'inet',
  Citext: () => 'citext',
  JsonB: () => 'jsonb',
  Decimal: ([p, s]) => (p ? `numeric(${p},${s ?? 0})` : 'numeric'),
};

function expectedType(field: DMMF.Field, enums: readonly DMMF.DatamodelEnum[]): string {
  let base: string;
  if (field.kind === 'enum') {
    const enumType = enums.find((e) => e.name === field.type);
    base = `"${enumType?.dbName ?? field.type}"`;
  } else if (field.nativeType) {
    const [name, args] = field.nativeType;
    const mapper = NATIVE_TYPES[name];
    base = mapper ? mapper([...args]) : `unknown native type ${name}`;
  } else {
    base = SCALAR_TYPES[field.type] ?? `unknown type ${field.type}`;
  }
  return field.isList ? `${base}[]` : base;
}

const normaliseType = (type: string) => type.replace(/^"?([A-Za-z_][A-Za-z0-9_]*)"?(\[\])?$/, (_m, n, a) => `"${n}"${a ?? ''}`);

export function findDrift(datamodel: Datamodel, catalog: Catalog): string[] {
  const problems: string[] = [];
  const tableOf = (model: DMMF.Model) => model.dbName ?? model.name;
  const columnOf = (model: DMMF.Model, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };
  const tables = new Set(catalog.columns.map((c) => c.table));
  const modelTables = new Set(datamodel.models.map(tableOf));

  for (const table of tables) {
    if (!modelTables.has(table) && !(table in TABLES_WITHOUT_MODEL)) {
      problems.push(`table ${table} exists in the database but has no model in schema.prisma`);
    }
  }

  for (const model of datamodel.models) {
    const table = tableOf(model);
    if (!tables.has(table)) {
      problems.push(`model ${model.name} maps to table ${table}, which the migrations do not create`);
      continue;
    }
    const columns = new Map(catalog.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const fieldColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const column = field.dbName ?? field.name;
      fieldColumns.add(column);
      const actual = columns.get(column);
      if (!actual) {
        problems.push(`${table}.${column} is in schema.prisma (${model.name}.${field.name}) but not in the database`);
        continue;
      }
      const expected = expectedType(field, datamodel.enums);
      const actualType = field.kind === 'enum' ? normaliseType(actual.type) : actual.type;
      if (actualType !== expected) {
        problems.push(`${table}.${column} is ${actual.type} in the database but ${expected} in schema.prisma`);
      }
      const required = field.isRequired || field.isList;
      if (actual.notNull !== required && !field.isList) {
        problems.push(
          `${table}.${column} is ${actual.notNull ? 'NOT NULL' : 'nullable'} in the database but ${required ? 'required' : 'optional'} in schema.prisma`,
        );
      }
    }
    for (const column of columns.keys()) {
      if (!fieldColumns.has(column)) problems.push(`${table}.${column} exists in the database but not in schema.prisma`);
    }

    const dbIndexes = catalog.indexes.filter((i) => i.table === table);
    const describe = (cols: readonly string[]) => `(${cols.join(', ')})`;
    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      const cols = index.fields.map((f) => columnOf(model, f.name));
      const match = dbIndexes.find(
        (i) =>
          describe(i.columns) === describe(cols) &&
          (index.type === 'id' ? i.primary : index.type === 'unique' ? i.unique && !i.primary : !i.unique),
      );
      if (!match)
        problems.push(
          `${index.type === 'id' ? 'primary key' : `${index.type} index`} ${table}${describe(cols)} is in schema.prisma but not in the database`,
        );
    }
    for (const index of dbIndexes) {
      const type = index.primary ? 'id' : index.unique ? 'unique' : 'normal';
      const declared = datamodel.indexes.some(
        (i) =>
          i.model === model.name && i.type === type && describe(i.fields.map((f) => columnOf(model, f.name))) === describe(index.columns),
      );
      if (!declared)
        problems.push(`index ${index.name} ${table}${describe(index.columns)} exists in the database but not in schema.prisma`);
    }

    const dbForeignKeys = catalog.foreignKeys.filter((fk) => fk.table === table);
    const declaredForeignKeys = model.fields
      .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
      .map((f) => {
        const target = datamodel.models.find((m) => m.name === f.type)!;
        return {
          columns: f.relationFromFields!.map((name) => columnOf(model, name)),
          references: tableOf(target),
          referencedColumns: (f.relationToFields ?? []).map((name) => columnOf(target, name)),
        };
      });
    const key = (fk: Omit<ForeignKey, 'table'>) => `${describe(fk.columns)} → ${fk.references}${describe(fk.referencedColumns)}`;
    const dbKeys = new Set(dbForeignKeys.map(key));
    const declaredKeys = new Set(declaredForeignKeys.map(key));
    for (const fk of declaredKeys)
      if (!dbKeys.has(fk)) problems.push(`foreign key ${table}${fk} is in schema.prisma but not in the database`);
    for (const fk of dbKeys)
      if (!declaredKeys.has(fk)) problems.push(`foreign key ${table}${fk} exists in the database but not in schema.prisma`);
  }

  for (const enumType of datamodel.enums) {
    const name = enumType.dbName ?? enumType.name;
    const values = enumType.values.map((v) => v.dbName ?? v.name);
    const actual = catalog.enums[name];
    if (!actual) problems.push(`enum ${name} is in schema.prisma but not in the database`);
    else if (actual.join(',') !== values.join(',')) {
      problems.push(`enum ${name} is [${actual.join(', ')}] in the database but [${values.join(', ')}] in schema.prisma`);
    }
  }
  return problems;
}
