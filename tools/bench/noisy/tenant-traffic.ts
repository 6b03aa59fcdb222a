import autocannon from 'autocannon';

import { checkOrderDetail, checkOrderList, emptyAnswerCounts, type AnswerCounts, type Ownership } from './checks';

// Tenant A's normal traffic: a fixed, modest rate of reads through its API key, alternating the
// order list and one order by id, every answer checked. It runs in the benchmark's own process,
// which does little else while it runs (B's flood has a process of its own), so a late timer
// here is not what the figures measure.
//
// autocannon paces a rate-capped run per connection and per second: each connection sends its
// share of the second's requests back to back, then waits for the next second. The load is
// therefore bursts of `connections` concurrent requests, not evenly spaced ones — closer to a
// client's batch job than to independent users, and the same in both phases.

export type RequestKind = 'list' | 'detail';

export interface TenantTrafficOptions {
  baseUrl: string;
  apiKey: string;
  /** The tenant's orders, in the order their ids are requested. */
  orderIds: readonly string[];
  ownership: Ownership;
  requestsPerSecond: number;
  connections: number;
  seconds: number;
}

export interface TenantTrafficWindow {
  elapsedMs: number;
  latenciesMs: Record<RequestKind, number[]>;
  responses: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Socket errors and timeouts: requests that got no response at all. */
  errors: number;
  timeouts: number;
  answers: AnswerCounts;
  /** The first body of a response that was not a 200, for the log. */
  firstRefusal?: string;
}

export function runTenantTraffic(options: TenantTrafficOptions): Promise<TenantTrafficWindow> {
  const { baseUrl, apiKey, orderIds, ownership, requestsPerSecond, connections, seconds } = options;
  const window: TenantTrafficWindow = {
    elapsedMs: 0,
    latenciesMs: { list: [], detail: [] },
    responses: 0,
    statuses: {},
    errors: 0,
    timeouts: 0,
    answers: emptyAnswerCounts(),
  };
  let nextOrder = 0;
  // autocannon calls a request's onResponse synchronously just before it emits 'response' for
  // the same request (which carries the latency), so this pairs each latency with its kind.
  let lastKind: RequestKind = 'list';
  const onRefusal = (status: number, body: string) => {
    if (status !== 200) window.firstRefusal ??= `${status}: ${body.slice(0, 200)}`;
  };

  const requests: autocannon.RequestSpec[] = [
    {
      method: 'GET',
      path: '/api/v1/orders',
      onResponse: (status, body) => {
        lastKind = 'list';
        if (status === 200) checkOrderList(body, ownership, window.answers);
        else onRefusal(status, body);
      },
    },
    {
      method: 'GET',
      setupRequest: (request, context) => {
        const id = orderIds[nextOrder++ % orderIds.length]!;
        context.orderId = id;
        return { ...request, path: `/api/v1/orders/${id}` };
      },
      onResponse: (status, body, context) => {
        lastKind = 'detail';
        if (status === 200) checkOrderDetail(body, String(context.orderId), ownership, window.answers);
        else onRefusal(status, body);
      },
    },
  ];

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        overallRate: requestsPerSecond,
        duration: seconds,
        timeout: 10,
        headers: { authorization: `Bearer ${apiKey}` },
        requests,
        ignoreCoordinatedOmission: true,
      },
      (error, result) => {
        if (error) return reject(error);
        window.elapsedMs = performance.now() - started;
        window.errors = result.errors;
        window.timeouts = result.timeouts;
        resolve(window);
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      window.responses += 1;
      window.statuses[statusCode] = (window.statuses[statusCode] ?? 0) + 1;
      window.latenciesMs[lastKind].push(responseTimeMs);
    });
  });
}
