import type { ReactNode } from 'react';

import { Badge, type BadgeVariant } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';

import type { Field, OperationDoc } from './reference';

// One endpoint of the reference: method and path, what it does, what it needs, its parameters,
// body, responses and a curl example — all read from the OpenAPI document.

const METHOD_TONES: Record<string, BadgeVariant> = { GET: 'success', POST: 'info', PATCH: 'warning' };

export function MethodBadge({ method }: { method: string }) {
  return (
    <Badge variant={METHOD_TONES[method] ?? 'success'} className="w-14 justify-center px-1.5 font-mono font-semibold">
      {method}
    </Badge>
  );
}

export function CodeBlock({ children, label }: { children: string; label?: string }) {
  return (
    // Focusable so a keyboard can scroll a long line into view (axe: scrollable-region-focusable).
    <pre
      tabIndex={0}
      className="overflow-x-auto rounded-xl bg-code p-4 font-mono text-sm leading-6 text-code-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
      aria-label={label}
    >
      <code>{children}</code>
    </pre>
  );
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-secondary px-1 py-0.5 font-mono text-[0.85em] text-foreground">{children}</code>;
}

function Heading({ children }: { children: ReactNode }) {
  return <h4 className="mt-6 mb-2 text-sm font-semibold text-foreground">{children}</h4>;
}

/** Request fields are marked when required; response fields when they may be absent. */
export function FieldTable({
  fields,
  location,
  response,
}: {
  fields: (Field & { in?: string })[];
  location?: boolean;
  response?: boolean;
}) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            {location ? <TableHead>In</TableHead> : null}
            <TableHead>Type</TableHead>
            <TableHead>Description</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {fields.map((field) => (
            <TableRow key={`${field.in ?? ''}${field.name}`} className="align-top">
              <TableCell className="font-mono text-xs whitespace-nowrap">
                {field.name}
                {!response && field.required ? (
                  <span className="ml-1 font-sans text-[0.7rem] font-semibold text-destructive uppercase">required</span>
                ) : null}
                {response && !field.required ? (
                  <span className="ml-1 font-sans text-[0.7rem] font-semibold text-muted-foreground uppercase">optional</span>
                ) : null}
              </TableCell>
              {location ? <TableCell className="text-xs">{field.in}</TableCell> : null}
              <TableCell className="font-mono text-xs">{field.type}</TableCell>
              <TableCell className="min-w-64">
                {field.description ? <p>{field.description}</p> : null}
                {field.rules.length ? <p className="text-xs text-muted-foreground">{field.rules.join(' · ')}</p> : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

export function Endpoint({ op }: { op: OperationDoc }) {
  const success = op.responses.filter((response) => !response.problem);
  const problems = op.responses.filter((response) => response.problem);
  return (
    <Card as="article" id={op.id} className="block scroll-mt-8 p-6">
      <h3 className="flex flex-wrap items-center gap-3">
        <MethodBadge method={op.method} />
        <span className="font-mono text-sm font-semibold break-all text-foreground">{op.path}</span>
      </h3>
      <p className="mt-3 font-semibold text-foreground">{op.summary}</p>
      {op.description ? <p className="mt-1 text-sm leading-6 text-muted-foreground">{op.description}</p> : null}
      <p className="mt-3 text-sm text-muted-foreground">
        Needs a <Code>{op.scope}</Code> key{op.scope === 'read' ? ' (or read_write)' : ''} created by an{' '}
        {op.creatorRoles.join(', ').replace(/, ([^,]*)$/, ' or $1')} (permission <Code>{op.permission}</Code>).
      </p>

      {op.parameters.length ? (
        <>
          <Heading>Parameters</Heading>
          <FieldTable fields={op.parameters} location />
        </>
      ) : null}

      {op.body ? (
        <>
          <Heading>
            Body
            {op.body.schemaName ? (
              <span className="font-normal text-muted-foreground">
                {' '}
                · {op.body.schemaName}, JSON{op.body.required ? '' : ', optional'}
              </span>
            ) : null}
          </Heading>
          <FieldTable fields={op.body.fields} />
          <p className="mt-2 text-xs text-muted-foreground">Any other field is a 422 that names it.</p>
        </>
      ) : null}

      <Heading>Responses</Heading>
      {success.map((response) => (
        <details key={response.status} className="rounded-lg border">
          <summary className="cursor-pointer px-3 py-2 text-sm text-foreground">
            <span className="font-mono font-semibold text-success">{response.status}</span> {response.description}
            {response.schemaName ? <span className="text-muted-foreground"> · {response.schemaName}</span> : null}
            <span className="text-muted-foreground"> — fields</span>
          </summary>
          <div className="border-t p-3">
            <FieldTable fields={response.fields} response />
            <p className="mt-2 text-xs text-muted-foreground">Headers: {response.headers.join(', ')}.</p>
          </div>
        </details>
      ))}
      <dl className="mt-3 space-y-2 text-sm">
        {problems.map((response) => (
          <div key={response.status} className="flex gap-3">
            <dt className="w-10 shrink-0 font-mono font-semibold text-destructive">{response.status}</dt>
            <dd className="space-y-1 text-muted-foreground">
              {response.description.split('\n\n').map((line) => {
                const [code, ...meaning] = line.split(': ');
                return (
                  <p key={code}>
                    <Code>{code}</Code> {meaning.join(': ')}
                  </p>
                );
              })}
            </dd>
          </div>
        ))}
      </dl>

      <Heading>Example</Heading>
      <CodeBlock label={`curl example: ${op.summary}`}>{op.curl}</CodeBlock>
    </Card>
  );
}
