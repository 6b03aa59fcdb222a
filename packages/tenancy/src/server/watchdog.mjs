// Stops an embedded PostgreSQL when the process that started it is gone — however it went
// (Ctrl-C, SIGTERM to the runner only, a crash, SIGKILL). Started detached by
// embedded.ts as: node watchdog.mjs <parent pid> <data dir> [<dir to remove>]
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const [parentPid, dataDir, removeDir] = process.argv.slice(2);
const alive = (pid) => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};

const timer = setInterval(() => {
  if (alive(parentPid)) return;
  clearInterval(timer);
  try {
    const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (alive(postmaster)) process.kill(postmaster, 'SIGINT'); // fast shutdown
  } catch {
    // no postmaster.pid: the server already stopped cleanly
  }
  if (removeDir) setTimeout(() => rmSync(removeDir, { recursive: true, force: true }), 3000);
}, 1000);
