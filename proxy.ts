import { NextResponse, type NextRequest } from 'next/server';

// Coarse routing only. A request for a workspace page without any session cookie goes straight to
// sign-in; everything that decides access (is the session current, is the user a member of this
// tenant, may their role do this) happens in the server layer (lib/auth/entry.ts), on every request.
// Every response gets a request id that the tenant context and the logs carry.

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

/** A caller's own request id is kept only when it is short and plain: it goes into logs and headers. */
const REQUEST_ID = /^[\w-]{1,64}$/;

export function proxy(request: NextRequest) {
  const offered = request.headers.get('x-request-id');
  const requestId = offered && REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (request.nextUrl.pathname.startsWith('/t/') && !hasSession) {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set('x-request-id', requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('x-request-id', requestId);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
