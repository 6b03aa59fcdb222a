import { NextResponse, type NextRequest } from 'next/server';

import { contentSecurityPolicy, createNonce, isApiPath, oauthFormOrigins, runtimeMode, securityHeaders } from '@/lib/http/security-headers';

// Coarse routing only. A request for a workspace page without any session cookie goes straight to
// sign-in; everything that decides access (is the session current, is the user a member of this
// tenant, may their role do this) happens in the server layer (lib/auth/entry.ts), on every request.
// Every response gets a request id that the tenant context and the logs carry, and the security
// headers of lib/http/security-headers.ts: pages a Content-Security-Policy with a nonce of their
// own, which Next.js reads from the request's CSP header and puts on the scripts it renders.

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

/** A caller's own request id is kept only when it is short and plain: it goes into logs and headers. */
const REQUEST_ID = /^[\w-]{1,64}$/;

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const offered = request.headers.get('x-request-id');
  const requestId = offered && REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
  const mode = runtimeMode();
  const nonce = isApiPath(pathname) ? undefined : createNonce();
  const csp = nonce ? contentSecurityPolicy({ nonce, mode, formOrigins: oauthFormOrigins() }) : undefined;
  const secure = (response: NextResponse) => {
    for (const [name, value] of Object.entries(securityHeaders({ pathname, mode, csp }))) response.headers.set(name, value);
    response.headers.set('x-request-id', requestId);
    return response;
  };

  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (pathname.startsWith('/t/') && !hasSession) {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('callbackUrl', pathname + request.nextUrl.search);
    return secure(NextResponse.redirect(signIn));
  }
  const headers = new Headers(request.headers);
  headers.set('x-request-id', requestId);
  // What the client sent under these names is never trusted: Next.js takes the nonce from here.
  headers.delete('content-security-policy');
  headers.delete('x-nonce');
  if (nonce && csp) {
    headers.set('content-security-policy', csp);
    headers.set('x-nonce', nonce);
  }
  return secure(NextResponse.next({ request: { headers } }));
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
