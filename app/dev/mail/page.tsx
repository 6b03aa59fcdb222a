import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { devOutboxEnabled, outbox } from '@/lib/mail';

export const metadata: Metadata = { title: 'Dev outbox' };
export const dynamic = 'force-dynamic';

// Development only: the mail the app "sent", newest first. There is no mail server here. Never
// served by a production build, whatever the flags (devOutboxEnabled() is false there): it would list
// every reset and invitation link. The browser tests read mail from MAIL_FILE instead.
export default function DevMailPage() {
  if (process.env.NODE_ENV === 'production' || !devOutboxEnabled()) notFound();
  const messages = outbox();
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <PageHeader title="Dev outbox" description="Messages the app sent in this process. Development only." />
      <ol className="mt-8 space-y-4">
        {messages.map((message) => (
          <Card as="li" key={message.id} className="gap-0 px-5" data-testid="mail">
            <p className="text-xs text-muted-foreground">
              {message.sentAt} · to <span data-testid="mail-to">{message.to}</span>
            </p>
            <h2 className="mt-1 font-semibold text-foreground">{message.subject}</h2>
            <pre className="mt-3 font-sans text-sm whitespace-pre-wrap text-foreground">{message.text}</pre>
            {message.link ? (
              <a href={message.link} className="mt-3 inline-block text-sm font-semibold text-primary">
                Open link
              </a>
            ) : null}
          </Card>
        ))}
        {messages.length === 0 ? <li className="text-sm text-muted-foreground">No messages yet.</li> : null}
      </ol>
    </main>
  );
}
