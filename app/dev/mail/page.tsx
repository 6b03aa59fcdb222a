import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { devOutboxEnabled, outbox } from '@/lib/mail';

export const metadata: Metadata = { title: 'Dev outbox' };
export const dynamic = 'force-dynamic';

// Development only: the mail the app "sent", newest first. There is no mail server here.
export default function DevMailPage() {
  if (!devOutboxEnabled()) notFound();
  const messages = outbox();
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Dev outbox</h1>
      <p className="mt-1 text-sm text-slate-600">Messages the app sent in this process. Development only.</p>
      <ol className="mt-8 space-y-4">
        {messages.map((message) => (
          <li key={message.id} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="mail">
            <p className="text-xs text-slate-500">
              {message.sentAt} · to <span data-testid="mail-to">{message.to}</span>
            </p>
            <h2 className="mt-1 font-semibold text-slate-900">{message.subject}</h2>
            <pre className="mt-3 font-sans text-sm whitespace-pre-wrap text-slate-700">{message.text}</pre>
            {message.link ? (
              <a href={message.link} className="mt-3 inline-block text-sm font-semibold text-brand-600">
                Open link
              </a>
            ) : null}
          </li>
        ))}
        {messages.length === 0 ? <li className="text-sm text-slate-500">No messages yet.</li> : null}
      </ol>
    </main>
  );
}
