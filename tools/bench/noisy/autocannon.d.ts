// autocannon 8 ships no types. This declares the part of its programmatic API the noisy-neighbour
// benchmark uses — options, the per-response hooks and the result's counters — and nothing more.

declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** Per connection; survives from one request of the `requests` list to the next. */
    type Context = Record<string, unknown>;

    interface RequestSpec {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      /** Called before each send; the returned request is what goes on the wire. */
      setupRequest?: (request: RequestSpec, context: Context) => RequestSpec;
      /** Called with the whole body, synchronously before the instance's 'response' event. */
      onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second across all connections; each connection sends its share back to back, once a second. */
      overallRate?: number;
      /** Seconds before an unanswered request counts as a timeout. */
      timeout?: number;
      pipelining?: number;
      headers?: Record<string, string>;
      requests?: RequestSpec[];
      /** Record raw latencies in the summary histogram (no synthetic samples for late sends). */
      ignoreCoordinatedOmission?: boolean;
    }

    interface Result {
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      requests: { total: number; sent: number; average: number };
    }

    interface Instance extends EventEmitter {
      stop(): void;
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export = autocannon;
}
