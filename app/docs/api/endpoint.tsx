import type { ReactNode } from 'react';
import { tableClasses } from '@/components/ui/page';
import { cn } from '@/lib/cn';
import type { Field, OperationDoc } from './reference';

// One endpoint of the reference: method and path, what it does, what it needs, its parameters,
// body, responses and a curl example — all read from the OpenAPI document.

const METHOD_STYLES: Record<string, string> = {
  GET: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  POST: 'bg-brand-50 text-brand-700 ring-brand-600/20',
  PATCH: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

export function MethodBadge({ method }: { method: string }) {
  return (
    <span className={cn('inline-flex w-14 justify-center rounded-md px-1.5 py-0.5 font-mono text-xs font-semibold ring-1 ring-inset', METHOD_STYLES[method] ?? METHOD_STYLES.GET)}>
      {method}
    </span>
  );
}

export function CodeBlock({ children, label }: { children: string; label?: string }) {
  return (
    // Focusable so a keyboard can scroll a long line into view (axe: scrollable-region-focusable).
    <pre tabIndex={0} className="overflow-x-auto rounded-xl bg-slate-900 p-4 font-mono text-sm leading-6 text-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600" aria-label={label}>
      <code>{children}</code>
    </pre>
  );
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">{children}</code>;
}

function Heading({ children }: { children: ReactNode }) {
  return <h4 className="mt-6 mb-2 text-sm font-semibold text-slate-900">{children}</h4>;
}

/** Request fields are marked when required; response fields when they may be absent. */
export function FieldTable({ fields, location, response }: { fields: (Field & { in?: string })[]; location?: boolean; response?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
      <table className={tableClasses.table}>
        <thead className={tableClasses.head}>
          <tr>
            <th className={tableClasses.th}>Name</th>
            {location ? <th className={tableClasses.th}>In</th> : null}
            <th className={tableClasses.th}>Type</th>
            <th className={tableClasses.th}>Description</th>
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {fields.map((field) => (
            <tr key={`${field.in ?? ''}${field.name}`} className="align-top">
              <td className={cn(tableClasses.td, 'font-mono text-xs whitespace-nowrap text-slate-900')}>
                {field.name}
                {!response && field.required ? <span className="ml-1 font-sans text-[0.7rem] font-semibold text-rose-600 uppercase">required</span> : null}
                {response && !field.required ? <span className="ml-1 font-sans text-[0.7rem] font-semibold text-slate-500 uppercase">optional</span> : null}
              </td>
              {location ? <td className={cn(tableClasses.td, 'text-xs')}>{field.in}</td> : null}
              <td className={cn(tableClasses.td, 'font-mono text-xs')}>{field.type}</td>
              <td className={cn(tableClasses.td, 'min-w-64')}>
                {field.description ? <p>{field.description}</p> : null}
                {field.rules.length ? <p className="text-xs text-slate-500">{field.rules.join(' · ')}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Endpoint({ op }: { op: OperationDoc }) {
  const success = op.responses.filter((response) => !response.problem);
  const problems = op.responses.filter((response) => response.problem);
  return (
    <article id={op.id} className="scroll-mt-8 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h3 className="flex flex-wrap items-center gap-3">
        <MethodBadge method={op.method} />
        <span className="font-mono text-sm font-semibold break-all text-slate-900">{op.path}</span>
      </h3>
      <p className="mt-3 font-semibold text-slate-900">{op.summary}</p>
      {op.description ? <p className="mt-1 text-sm leading-6 text-slate-600">{op.description}</p> : null}
      <p className="mt-3 text-sm text-slate-600">
        Needs a <Code>{op.scope}</Code> key{op.scope === 'read' ? ' (or read_write)' : ''} created by an {op.creatorRoles.join(', ').replace(/, ([^,]*)$/, ' or $1')} (permission <Code>{op.permission}</Code>).
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
            Body{op.body.schemaName ? <span className="font-normal text-slate-500"> · {op.body.schemaName}, JSON{op.body.required ? '' : ', optional'}</span> : null}
          </Heading>
          <FieldTable fields={op.body.fields} />
          <p className="mt-2 text-xs text-slate-500">Any other field is a 422 that names it.</p>
        </>
      ) : null}

      <Heading>Responses</Heading>
      {success.map((response) => (
        <details key={response.status} className="rounded-lg ring-1 ring-slate-200">
          <summary className="cursor-pointer px-3 py-2 text-sm text-slate-700">
            <span className="font-mono font-semibold text-emerald-700">{response.status}</span> {response.description}
            {response.schemaName ? <span className="text-slate-500"> · {response.schemaName}</span> : null}
            <span className="text-slate-500"> — fields</span>
          </summary>
          <div className="border-t border-slate-200 p-3">
            <FieldTable fields={response.fields} response />
            <p className="mt-2 text-xs text-slate-500">Headers: {response.headers.join(', ')}.</p>
          </div>
        </details>
      ))}
      <dl className="mt-3 space-y-2 text-sm">
        {problems.map((response) => (
          <div key={response.status} className="flex gap-3">
            <dt className="w-10 shrink-0 font-mono font-semibold text-rose-700">{response.status}</dt>
            <dd className="space-y-1 text-slate-600">
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
    </article>
  );
}
