import type { Metadata } from 'next';
import Link from 'next/link';

import { Logo } from '@/components/marketing/logo';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { slugSchema } from '@/lib/auth/slug';
import { hasPassword, startEnrolment, twoFactorStatus } from '@/lib/auth/two-factor/service';

import { DisableTwoFactorForm, EnrolTwoFactorForm, RegenerateRecoveryCodesForm } from './two-factor-forms';

export const metadata: Metadata = { title: 'Two-factor sign-in' };

// The signed-in person's second factor: enrolment (QR code + the secret to type, confirmed with a
// code, then ten recovery codes shown once), status, new recovery codes, turning it off. A
// workspace that requires two-factor sends members without it here with ?required=<slug>.

export default async function TwoFactorPage({
  searchParams,
}: {
  searchParams: Promise<{ required?: string; recovery?: string; disabled?: string }>;
}) {
  const user = await requireUser('/account/two-factor');
  const params = await searchParams;
  const required = params.required && slugSchema.safeParse(params.required).success ? params.required : undefined;
  const recoveryLeft = params.recovery && /^\d{1,2}$/.test(params.recovery) ? Number(params.recovery) : undefined;
  const status = await twoFactorStatus(user.id);
  const enrolment = status.enabled ? undefined : await startEnrolment(user);
  const needsPassword = status.enabled ? await hasPassword(user.email) : true;
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <Link href="/account" className="flex items-center gap-2 text-sm font-semibold text-foreground">
        <Logo className="size-6" /> Back to your account
      </Link>
      <PageHeader
        title="Two-factor sign-in"
        description={
          <>
            Signed in as {user.email}. With two-factor on, signing in needs your password (or GitHub) and a code from an authenticator app.
          </>
        }
        className="mt-8"
      />
      {required && !status.enabled ? (
        <Alert variant="warning" className="mt-6" role="alert" data-testid="two-factor-required">
          The workspace <strong>{required}</strong> requires two-factor sign-in. Turn it on below to enter it.
        </Alert>
      ) : null}
      {required && status.enabled ? (
        <Alert variant="success" className="mt-6" role="status">
          Two-factor sign-in is on.{' '}
          <Link href={`/t/${required}`} className="font-semibold underline">
            Go to {required}
          </Link>
        </Alert>
      ) : null}
      {recoveryLeft !== undefined ? (
        <Alert variant="warning" className="mt-6" role="status" data-testid="recovery-notice">
          You signed in with a recovery code; it cannot be used again. {recoveryLeft} recovery{' '}
          {recoveryLeft === 1 ? 'code is' : 'codes are'} left. If you lost your authenticator, turn two-factor off and on again below to
          move it to a new one.
        </Alert>
      ) : null}
      {params.disabled && !status.enabled ? (
        <Alert variant="success" className="mt-6" role="status" data-testid="two-factor-disabled">
          Two-factor sign-in is off. Your recovery codes no longer work.
        </Alert>
      ) : null}
      {enrolment ? (
        <Card as="section" className="mt-10" aria-labelledby="enrol-heading">
          <CardHeader>
            <CardTitle id="enrol-heading">Turn on two-factor sign-in</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-muted-foreground">
              <li>Scan this QR code with an authenticator app (1Password, Google Authenticator, Aegis…).</li>
              <li>Or type the key by hand: it is a time-based (TOTP) key, 6 digits, every 30 seconds.</li>
              <li>Enter the code the app shows to confirm.</li>
            </ol>
            <div className="mt-4 flex flex-col items-start gap-4 sm:flex-row sm:items-center">
              {/* eslint-disable-next-line @next/next/no-img-element -- a data URL rendered on the server */}
              <img
                src={`data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`}
                alt="QR code of your two-factor key, for an authenticator app"
                width={176}
                height={176}
                className="rounded-lg border bg-white" /* a QR code needs its white quiet zone in either scheme */
                data-testid="two-factor-qr"
              />
              <div>
                <p className="text-sm font-medium text-foreground">Key</p>
                <code
                  className="mt-1 block rounded bg-secondary px-2 py-1 font-mono text-sm break-all text-foreground"
                  data-testid="two-factor-secret"
                >
                  {enrolment.secret.match(/.{1,4}/g)!.join(' ')}
                </code>
              </div>
            </div>
            <div className="mt-6">
              <EnrolTwoFactorForm />
            </div>
          </CardContent>
        </Card>
      ) : (
        <>
          <Card as="section" className="mt-10" aria-labelledby="status-heading">
            <CardHeader>
              <CardTitle id="status-heading">Status</CardTitle>
              <CardDescription data-testid="two-factor-status">
                Two-factor sign-in is on. {status.recoveryCodesLeft} of 10 recovery codes left.
              </CardDescription>
            </CardHeader>
          </Card>
          <Card as="section" className="mt-6" aria-labelledby="recovery-heading">
            <CardHeader>
              <CardTitle id="recovery-heading">New recovery codes</CardTitle>
              <CardDescription>Ten new codes replace the old ones, which stop working.</CardDescription>
            </CardHeader>
            <CardContent>
              <RegenerateRecoveryCodesForm />
            </CardContent>
          </Card>
          <Card as="section" className="mt-6" aria-labelledby="disable-heading">
            <CardHeader>
              <CardTitle id="disable-heading">Turn off two-factor sign-in</CardTitle>
              <CardDescription>
                {needsPassword
                  ? 'Needs your password and a code from your app (or a recovery code).'
                  : 'Your account signs in with GitHub and has no password, so a code from your app (or a recovery code) is enough.'}{' '}
                Workspaces that require two-factor will not let you in without it.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <DisableTwoFactorForm needsPassword={needsPassword} />
            </CardContent>
          </Card>
        </>
      )}
    </main>
  );
}
