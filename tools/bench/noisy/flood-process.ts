import autocannon from 'autocannon';

import { checkOrderList, emptyAnswerCounts, ownershipOf, type AnswerCounts, type Ownership } from './checks';
import type { FloodMark, FloodResult, FloodSettings, FromFlood, ToFlood } from './flood-protocol';

// Tenant B's flood, in a process of its own (forked by flood.ts). On a 2-core machine a client
// sending thousands of requests a second is busy; in the benchmark's own event loop it would
// delay tenant A's requests and response callbacks, and A's latencies would then measure the
// client rather than the server. Here it competes with A only for cores, as a real neighbour's
// traffic would compete with the server.
//
// GET /api/v1/orders as fast as `connections` keep-alive sockets allow, alternating B's keys, no
// rate cap, until told to stop. Every 200 is checked like A's; 429s are only counted and timed.

const send = (message: FromFlood) => process.send!(message);

let settings: FloodSettings | undefined;
let ownership: Ownership | undefined;
/** The flood under way; its instance is set once autocannon has accepted the options. */
interface FloodRun {
  instance?: autocannon.Instance;
  state: FloodState;
}
let running: FloodRun | undefined;

interface FloodState {
  started: number;
  cpuAtStart: NodeJS.CpuUsage;
  responses: number;
  statuses: Record<string, number>;
  rateLimitedMs: number[];
  servedMs: number[];
  answers: AnswerCounts;
  firstUnexpected?: string;
}

function start(): void {
  if (!settings || !ownership) throw new Error('The flood was started before it was configured.');
  if (running) throw new Error('The flood is already running.');
  const owner = ownership;
  const state: FloodState = {
    started: performance.now(),
    cpuAtStart: process.cpuUsage(),
    responses: 0,
    statuses: {},
    rateLimitedMs: [],
    servedMs: [],
    answers: emptyAnswerCounts(),
  };
  const requests = settings.apiKeys.map((key): autocannon.RequestSpec => ({
    method: 'GET',
    path: '/api/v1/orders',
    headers: { authorization: `Bearer ${key}` },
    onResponse: (status, body) => {
      if (status === 200) checkOrderList(body, owner, state.answers);
      else if (status !== 429) state.firstUnexpected ??= `${status}: ${body.slice(0, 200)}`;
    },
  }));
  const flood: FloodRun = { state };
  running = flood;
  const instance = autocannon(
    // The duration is only a ceiling: the benchmark stops the flood when its window is over.
    { url: settings.baseUrl, connections: settings.connections, duration: 3_600, timeout: 10, requests },
    (error, result) => {
      if (running === flood) running = undefined;
      if (error) return send({ type: 'failed', message: error.message });
      const outcome: FloodResult = {
        elapsedMs: performance.now() - state.started,
        responses: state.responses,
        statuses: state.statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        answers: state.answers,
        rateLimitedMs: state.rateLimitedMs,
        servedMs: state.servedMs,
        firstUnexpected: state.firstUnexpected,
      };
      send({ type: 'result', result: outcome });
    },
  );
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    state.responses += 1;
    state.statuses[statusCode] = (state.statuses[statusCode] ?? 0) + 1;
    if (statusCode === 429) state.rateLimitedMs.push(responseTimeMs);
    else if (statusCode === 200) state.servedMs.push(responseTimeMs);
  });
  instance.once('start', () => send({ type: 'started' }));
  flood.instance = instance;
}

function mark(): FloodMark {
  const state = running?.state;
  if (!state) throw new Error('No flood is running to mark.');
  const cpu = process.cpuUsage(state.cpuAtStart);
  return {
    atMs: performance.now() - state.started,
    responses: state.responses,
    statuses: { ...state.statuses },
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (message: ToFlood) => {
  try {
    switch (message.type) {
      case 'configure':
        settings = message.settings;
        ownership = ownershipOf(message.settings.ownership);
        return send({ type: 'configured' });
      case 'start':
        return start();
      case 'mark':
        return send({ type: 'mark', mark: mark() });
      case 'stop':
        if (!running?.instance) throw new Error('No flood is running to stop.');
        // autocannon notices at its next once-a-second tick, then calls back with the result.
        return running.instance.stop();
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});

// The benchmark going away (even without a word) ends the flood.
process.on('disconnect', () => {
  running?.instance?.stop();
  process.exit(0);
});

send({ type: 'ready' });
