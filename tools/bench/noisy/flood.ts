import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type { FloodMark, FloodResult, FloodSettings, FromFlood, ToFlood } from './flood-protocol';

// The benchmark's handle on tenant B's flood process (flood-process.ts): configure once, then
// start, mark and stop it around each flood window. One request at a time over IPC.

type Reply<T extends FromFlood['type']> = Extract<FromFlood, { type: T }>;

export class FloodProcess {
  private waiting: { type: FromFlood['type']; resolve: (message: FromFlood) => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromFlood) => {
      const waiting = this.waiting;
      if (message.type === 'failed') {
        this.waiting = undefined;
        waiting?.reject(new Error(`The flood process failed: ${message.message}`));
      } else if (waiting && message.type === waiting.type) {
        this.waiting = undefined;
        waiting.resolve(message);
      }
    });
    child.on('exit', (code, signal) => {
      this.waiting?.reject(new Error(`The flood process exited (${signal ?? `code ${code}`}).`));
      this.waiting = undefined;
    });
  }

  /** Forks the flood process (through tsx, like the benchmark) and waits until it listens. */
  static async spawn(): Promise<FloodProcess> {
    const child = fork(path.join(import.meta.dirname, 'flood-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const flood = new FloodProcess(child);
    await flood.next('ready');
    return flood;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async configure(settings: FloodSettings): Promise<void> {
    await this.ask({ type: 'configure', settings }, 'configured');
  }

  /** Resolves once autocannon has opened its connections and begun sending. */
  async start(): Promise<void> {
    await this.ask({ type: 'start' }, 'started');
  }

  async mark(): Promise<FloodMark> {
    return (await this.ask({ type: 'mark' }, 'mark')).mark;
  }

  async stop(): Promise<FloodResult> {
    return (await this.ask({ type: 'stop' }, 'result')).result;
  }

  /** Ends the process (which stops any running flood); resolves once it has exited. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private next<T extends FromFlood['type']>(type: T): Promise<Reply<T>> {
    if (this.waiting) throw new Error(`Already waiting for the flood process's '${this.waiting.type}'.`);
    return new Promise((resolve, reject) => {
      this.waiting = { type, resolve: (message) => resolve(message as Reply<T>), reject };
    });
  }

  private ask<T extends FromFlood['type']>(message: ToFlood, reply: T): Promise<Reply<T>> {
    const answer = this.next(reply);
    this.child.send(message);
    return answer;
  }
}
