import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { Logo } from '@/components/marketing/logo';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { MAX_BODY_BYTES } from '@/lib/api/body';
import { IDEMPOTENCY_TTL_MS } from '@/lib/api/idempotency';
import { ERROR_MEANINGS } from '@/lib/api/openapi';
import { PLAN_NAMES, PLANS } from '@/lib/billing/plans';
import { ERROR_STATUS, type ErrorCode } from '@/lib/errors';
import { PAGE_SIZE } from '@/lib/pagination';

import { Code, CodeBlock, Endpoint, FieldTable, MethodBadge } from './endpoint';
import { apiReference } from './reference';

// The API reference, rendered on the server from the OpenAPI document (/api/v1/openapi.json) and
// the same constants the API enforces (plans, limits, error codes). It holds no workspace's data,
// so it is public and static; it loads no script and nothing from another origin.

export const metadata: Metadata = {
  title: 'API reference',
  description: 'The Bulkhead REST API: authentication, rate limits, idempotency, errors and every endpoint, with curl examples.',
};

const OPENAPI_URL = '/api/v1/openapi.json';
const number = (value: number) => value.toLocaleString('en-US');

const GUIDE = [
  { id: 'authentication', title: 'Authentication' },
  { id: 'rate-limits', title: 'Rate limits' },
  { id: 'idempotency', title: 'Idempotency' },
  { id: 'errors', title: 'Errors' },
  { id: 'pagination', title: 'Pagination' },
  { id: 'money', title: 'Money and versions' },
];

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} className="scroll-mt-8">
      <h2 className="text-xl font-bold tracking-tight text-foreground">{title}</h2>
      <div className="mt-3 space-y-3 text-sm leading-6 text-muted-foreground">{children}</div>
    </section>
  );
}

function SimpleTable({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            {head.map((cell) => (
              <TableHead key={cell}>{cell}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row, index) => (
            <TableRow key={index} className="align-top">
              {row.map((cell, column) => (
                <TableCell key={column}>{cell}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

const PROBLEM_EXAMPLE = JSON.stringify(
  {
    type: 'https://bulkhead.dev/problems/validation_failed',
    title: 'Validation failed',
    status: 422,
    detail: 'Some fields are not valid; see errors.',
    errors: { email: ['Enter a valid email address.'], colour: ['Unknown field; remove it or check its spelling.'] },
  },
  null,
  2,
);

const PAGE_EXAMPLE = `curl "$BULKHEAD_URL/api/v1/orders?status=paid" -H "Authorization: Bearer $BULKHEAD_API_KEY"
# → { "data": [ …${PAGE_SIZE} orders… ], "nextCursor": "0197…" }
curl "$BULKHEAD_URL/api/v1/orders?status=paid&cursor=0197…" -H "Authorization: Bearer $BULKHEAD_API_KEY"
# → { "data": [ … ], "nextCursor": null }   (the last page)`;

export default function ApiReferencePage() {
  const { doc, tags, problemFields } = apiReference();
  const errorCodes = Object.keys(ERROR_STATUS) as ErrorCode[];

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-border">
        <nav className="mx-auto flex max-w-7xl items-center justify-between px-6 py-4" aria-label="Main">
          <Link href="/" className="flex items-center gap-2 font-semibold text-foreground">
            <Logo className="size-7" />
            Bulkhead
          </Link>
          <div className="flex items-center gap-6 text-sm text-muted-foreground">
            <span className="font-medium text-foreground">API reference</span>
            <a href={OPENAPI_URL} className="hover:text-foreground">
              openapi.json
            </a>
            <Link href="/sign-in" className="font-semibold text-primary hover:underline">
              Sign in
            </Link>
          </div>
        </nav>
      </header>

      <div className="mx-auto flex w-full max-w-7xl flex-1 gap-10 px-6 py-10">
        <aside className="hidden w-60 shrink-0 lg:block">
          <nav className="sticky top-8 max-h-[calc(100dvh-4rem)] space-y-6 overflow-y-auto text-sm" aria-label="API reference">
            <div>
              <p className="font-semibold text-foreground">Guide</p>
              <ul className="mt-2 space-y-1.5">
                {GUIDE.map((item) => (
                  <li key={item.id}>
                    <a href={`#${item.id}`} className="text-muted-foreground hover:text-foreground">
                      {item.title}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
            {tags.map((tag) => (
              <div key={tag.name}>
                <p className="font-semibold text-foreground">{tag.name}</p>
                <ul className="mt-2 space-y-1.5">
                  {tag.operations.map((op) => (
                    <li key={op.id}>
                      <a href={`#${op.id}`} className="flex items-center gap-2 text-muted-foreground hover:text-foreground">
                        <MethodBadge method={op.method} />
                        {op.summary}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </nav>
        </aside>

        <main id="top" className="min-w-0 flex-1 space-y-12">
          <div>
            <p className="text-sm font-semibold tracking-wide text-primary uppercase">REST API v{doc.info.version}</p>
            <h1 className="mt-2 text-3xl font-bold tracking-tight text-foreground sm:text-4xl">{doc.info.title}</h1>
            <p className="mt-4 max-w-3xl text-base leading-7 text-muted-foreground">
              Orders, customers, products and the revenue report of one workspace, over JSON. The API key is the only thing a request says
              about its workspace: no path, header or body field can name another one, and another workspace&apos;s id answers the same{' '}
              <Code>404</Code> as an id that does not exist. This page is generated from the OpenAPI 3.1 document at{' '}
              <a href={OPENAPI_URL} className="font-medium text-primary hover:underline">
                {OPENAPI_URL}
              </a>
              , which is generated from the schemas the API validates with.
            </p>
            <div className="mt-6 max-w-3xl">
              <CodeBlock label="Shell variables the examples use">{`export BULKHEAD_URL=http://localhost:3000\nexport BULKHEAD_API_KEY=bk_live_…   # Settings → API keys`}</CodeBlock>
            </div>
          </div>

          <div className="max-w-3xl space-y-10">
            <Section id="authentication" title="Authentication">
              <p>
                Send a workspace API key on every request as <Code>Authorization: Bearer bk_live_…</Code>. Owners and admins create keys
                under <strong>Settings → API keys</strong> (<Code>/t/&lt;workspace&gt;/settings/api-keys</Code>); a key is shown once, when
                it is created, and stored only as a hash. A missing, malformed, unknown or revoked key is a <Code>401</Code>.
              </p>
              <SimpleTable
                head={['Scope', 'Allows']}
                rows={[
                  [<Code key="read">read</Code>, 'Listing and reading orders, customers and products, and the revenue report.'],
                  [<Code key="rw">read_write</Code>, 'Also creating and updating them, and paying, refunding and cancelling orders.'],
                ]}
              />
              <p>
                A key never does more than its creator&apos;s current role allows: a member&apos;s key cannot refund, and a key stops
                working when its creator leaves the workspace. Anything the scope or the role does not allow is a <Code>403</Code>; each
                endpoint below says what it needs.
              </p>
            </Section>

            <Section id="rate-limits" title="Rate limits">
              <p>Requests per minute, counted per key and, for all keys and the web app together, per workspace:</p>
              <SimpleTable
                head={['Plan', 'Per key', 'Per workspace']}
                rows={PLAN_NAMES.map((plan) => [
                  PLANS[plan].label,
                  number(PLANS[plan].keyRequestsPerMinute),
                  number(PLANS[plan].tenantRequestsPerMinute),
                ])}
              />
              <p>
                Every authenticated answer carries <Code>RateLimit-Limit</Code>, <Code>RateLimit-Remaining</Code>,{' '}
                <Code>RateLimit-Reset</Code> (seconds) and <Code>RateLimit-Policy</Code> for the tighter of the two budgets. Past it, the
                answer is a <Code>429</Code> with <Code>Retry-After</Code> in seconds. Every answer has an <Code>X-Request-Id</Code>; quote
                it when you report a problem.
              </p>
            </Section>

            <Section id="idempotency" title="Idempotency">
              <p>
                Send an <Code>Idempotency-Key</Code> header (1–255 visible ASCII characters; a UUID is a good choice) with a{' '}
                <Code>POST</Code> to make retrying it safe. For {IDEMPOTENCY_TTL_MS / 3_600_000} hours, the same key with the same request
                returns the first response again, with <Code>Idempotent-Replayed: true</Code>, and writes nothing; the same key with a
                different request is a <Code>422</Code>. A request that failed leaves no record, so it can be retried with its key. Keys are
                per workspace.
              </p>
            </Section>

            <Section id="errors" title="Errors">
              <p>
                Every error is an RFC 9457 problem, <Code>application/problem+json</Code>. A <Code>422</Code> names every invalid field in{' '}
                <Code>errors</Code> — unknown fields and query parameters too: a misspelt field is an error, never silently ignored.
              </p>
              <CodeBlock label="A problem response">{PROBLEM_EXAMPLE}</CodeBlock>
              <FieldTable fields={problemFields} response />
              <SimpleTable
                head={['Status', 'Code', 'When']}
                rows={errorCodes.map((code) => [
                  <span key="status" className="font-mono">
                    {ERROR_STATUS[code]}
                  </span>,
                  <Code key="code">{code}</Code>,
                  ERROR_MEANINGS[code],
                ])}
              />
              <p>
                Bodies larger than {MAX_BODY_BYTES / 1024} KB are a <Code>413</Code>; bodies that are not JSON a <Code>415</Code>.
              </p>
              <p>
                Any endpoint can answer <Code>503</Code>, for one of three reasons. <Code>tenant_busy</Code>: your workspace already runs as
                many database operations at once as its plan allows, and this request waited its turn for a few seconds; it carries{' '}
                <Code>Retry-After</Code>, and no other workspace is slowed down to serve it (nor yours for theirs).{' '}
                <Code>statement_timeout</Code>: a query ran past your plan&apos;s time limit and was stopped; there is no{' '}
                <Code>Retry-After</Code>, because the same request would run as long again: narrow it first (a shorter date range, a more
                selective filter). <Code>tenant_moving</Code>, on writes only: your workspace is moving to another tier, and its writes are
                paused for a second or two while the last changes are copied and checked; it carries <Code>Retry-After: 2</Code>, and the
                retry reaches the workspace in its new home. None of them changed anything, so a <Code>POST</Code> retried with its{' '}
                <Code>Idempotency-Key</Code> runs again.
              </p>
            </Section>

            <Section id="pagination" title="Pagination">
              <p>
                Lists return <Code>{'{ data, nextCursor }'}</Code>, {PAGE_SIZE} items a page. Pass <Code>nextCursor</Code> as the{' '}
                <Code>cursor</Code> parameter, with the same filters, for the next page; it is <Code>null</Code> on the last one. Cursors
                stay valid while records are added.
              </p>
              <CodeBlock label="Paging through orders">{PAGE_EXAMPLE}</CodeBlock>
            </Section>

            <Section id="money" title="Money and versions">
              <p>
                Amounts are integers in minor units (cents) of the workspace&apos;s currency: <Code>1250</Code> is 12.50. Order totals are
                computed from the catalogue, never taken from the request. Times are ISO 8601 in UTC; the revenue report buckets by the
                workspace&apos;s time zone.
              </p>
              <p>
                Records carry a <Code>version</Code>. A <Code>PATCH</Code> sends the version it read; if someone changed the record in
                between, the answer is a <Code>409</Code> and nothing is overwritten.
              </p>
            </Section>
          </div>

          {tags.map((tag) => (
            <section key={tag.name} aria-labelledby={`tag-${tag.name}`} className="space-y-6">
              <div>
                <h2 id={`tag-${tag.name}`} className="text-2xl font-bold tracking-tight text-foreground">
                  {tag.name}
                </h2>
                {tag.description ? <p className="mt-1 text-sm text-muted-foreground">{tag.description}</p> : null}
              </div>
              {tag.operations.map((op) => (
                <Endpoint key={op.id} op={op} />
              ))}
            </section>
          ))}
        </main>
      </div>
    </div>
  );
}
