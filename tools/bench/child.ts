import { fork } from 'node:child_process';

// Sections that must start from a fresh process — a cold tenant-client factory whose memory is
// measured from that process's own baseline, or the app's process-wide factory at its default
// settings — run in a child: the section's own file, forked with CHILD_FLAG, gets one request over
// IPC and answers once. Its console output goes straight to ours.

export const CHILD_FLAG = '--bench-child';

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ChildOptions {
  /** Replaces the inherited environment when given. */
  env?: NodeJS.ProcessEnv;
  /** Node flags on top of ours (tsx's loader is inherited). */
  execArgv?: string[];
}

/** Forks `file` as a child, sends it `request`, resolves with its answer; the child then exits. */
export function runChild<Request, Answer>(file: string, request: Request, options: ChildOptions = {}): Promise<Answer> {
  const child = fork(file, [CHILD_FLAG], { env: options.env ?? process.env, execArgv: [...process.execArgv, ...(options.execArgv ?? [])] });
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    child.once('message', (reply: Reply<Answer>) => {
      answered = true;
      if (reply.ok) resolve(reply.value);
      else reject(new Error(`${file}: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`${file} exited (${signal ?? code}) without answering.`));
    });
    child.send(request as object);
  });
}

/** In the child: answers the one request with `handler`, then leaves. */
export function serveChild<Request, Answer>(handler: (request: Request) => Promise<Answer>): void {
  process.once('message', (request: Request) => {
    handler(request).then(
      (value) => process.send!({ ok: true, value } satisfies Reply<Answer>, () => process.exit(0)),
      (error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.send!({ ok: false, error: message } satisfies Reply<Answer>, () => process.exit(1));
      },
    );
  });
}

export const isChild = () => process.argv.includes(CHILD_FLAG);
