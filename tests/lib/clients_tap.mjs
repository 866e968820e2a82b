// A stdio tap: `node clients_tap.mjs LOGFILE COMMAND ARGS...` runs COMMAND with its stdin and
// stdout passed through, and appends every line in either direction to LOGFILE as
// {"dir": "in"|"out", "pid": N, "msg": <parsed JSON or raw line>}, and the server's stderr
// to LOGFILE.err. The real-client tests put it
// between an MCP client and the server, so they can assert on the messages on the wire.

import { spawn } from 'node:child_process';
import { appendFileSync, openSync } from 'node:fs';

const [logFile, cmd, ...args] = process.argv.slice(2);
// The server's stderr (its logs, and any sanitizer report) goes to LOGFILE.err.
const errFd = openSync(`${logFile}.err`, 'a');
const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', errFd] });

function recorder(dir) {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        msg = line;
      }
      appendFileSync(logFile, JSON.stringify({ dir, pid: process.pid, msg }) + '\n');
    }
  };
}

const fromClient = recorder('in');
const fromServer = recorder('out');
process.stdin.on('data', (d) => {
  fromClient(d);
  child.stdin.write(d);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.stdout.on('data', (d) => {
  fromServer(d);
  process.stdout.write(d);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1);
  // Let stdout drain, then leave.
  process.stdout.end(() => process.exit());
});
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig));
}
