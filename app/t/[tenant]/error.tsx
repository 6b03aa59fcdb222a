'use client';

import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { UnavailableNotice } from '@/components/ui/unavailable';
import { unavailableOf } from '@/lib/errors';

// An error inside a workspace page: the shell stays and the user can retry (`retry` asks the server
// again; `reset` alone would re-render the same failed answer). A busy workspace, a query past the
// plan's time limit or a workspace whose move froze its writes says so — recognised by its digest,
// the one part of a server error a production build passes on (lib/errors.ts). Anything else is
// unexpected: its details stay in the server log, under the digest shown here, never on the page.
export default function WorkspaceError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const tryAgain = <Button onClick={retry}>Try again</Button>;
  const refusal = unavailableOf(error);
  if (refusal) return <UnavailableNotice refusal={refusal} level="page" action={tryAgain} />;
  return (
    <Card className="max-w-lg" role="alert">
      <CardHeader>
        <h1 className="text-lg font-semibold">Something went wrong</h1>
        <CardDescription>
          Nothing was saved by the request that failed. Try again; if it keeps happening, quote this reference to support.
        </CardDescription>
        {error.digest ? <p className="mt-1 font-mono text-xs text-muted-foreground">Reference: {error.digest}</p> : null}
      </CardHeader>
      <CardContent>{tryAgain}</CardContent>
    </Card>
  );
}
