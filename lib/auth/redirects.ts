/** Only same-site paths: an open redirect after sign-in would hand sessions to phishing pages. */
export function safeReturnPath(candidate: string | null | undefined, fallback = '/tenants'): string {
  if (!candidate || !candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  return candidate;
}
