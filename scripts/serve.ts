import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';

import { parseTrustProxyHops } from '../lib/env';
import { rewriteClientAddress } from '../lib/http/forwarded';

// The front server of the app: Next.js through its programmatic API, behind a Node http server
// that decides who the client is before Next sees the request.
//
// Why: route handlers and server actions have no socket, so they learn the client's address from
// X-Forwarded-For. `next start` fills that header from the socket only when the client did not send
// one, so a forged value survives and every per-address limit can be dodged by rotating it. Here,
// on every request (and websocket upgrade), X-Forwarded-For, X-Real-IP and Forwarded are removed
// and X-Forwarded-For is set to exactly one address: the socket's peer with TRUST_PROXY_HOPS=0 (the
// default), or the address the n-th trusted proxy saw with TRUST_PROXY_HOPS=n
// (lib/http/forwarded.ts). lib/http/client-address.ts reads it.
//
//   node --import tsx scripts/serve.ts [--dev] [-p 3000] [-H 127.0.0.1]
//
// `npm start`, `npm run dev` (scripts/dev.ts) and the e2e server (scripts/e2e-server.ts) all serve
// through it.

const { values } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    port: { type: 'string', short: 'p' },
    hostname: { type: 'string', short: 'H' },
  },
  strict: true,
});

const dev = values.dev;
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME;
const log = (line: string) => console.log(`[serve] ${line}`);

async function main() {
  const trustedHops = parseTrustProxyHops(process.env.TRUST_PROXY_HOPS);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`Invalid port "${values.port ?? process.env.PORT}".`);
  // `next start` sets this itself; the programmatic API leaves it to us, and Next reads it while loading.
  Object.assign(process.env, { NODE_ENV: dev ? 'development' : 'production' });

  const { default: next } = await import('next');
  const app = next({ dev, hostname: hostname ?? 'localhost', port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();

  const trust = (request: IncomingMessage) => rewriteClientAddress(request, request.socket.remoteAddress, trustedHops);
  const server = createServer((request, response) => {
    trust(request);
    handle(request, response).catch((error: unknown) => {
      console.error('[serve] request failed:', error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  // An idle keep-alive connection stays open for 65 s, not Node's 5 s. A client or load balancer
  // that reuses a connection the server is closing at that moment gets a reset (ECONNRESET, "socket
  // hang up") on a request that never arrived. The side that keeps connections open longer must be
  // the server: load balancers idle out at 60 s by default.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Dev's HMR websocket (and any other upgrade) goes through the same rewrite.
  server.on('upgrade', (request, socket, head) => {
    trust(request);
    upgrade(request, socket, head).catch(() => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  const address = server.address();
  const shown = typeof address === 'object' && address ? `${hostname ?? 'localhost'}:${address.port}` : String(address);
  log(`${dev ? 'development' : 'production'} server on http://${shown} (TRUST_PROXY_HOPS=${trustedHops})`);

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    void app.close();
    // Whatever still holds the loop does not hold up a stop.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`[serve] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
