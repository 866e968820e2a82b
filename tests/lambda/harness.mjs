// Starts tests/lambda/harness.py (Runtime API emulator + Function URL front door) from Node
// tests and benchmarks. The harness exits when our stdin pipe closes, so a crashed test never
// leaves it behind.

import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HARNESS_PY = path.join(here, 'harness.py');

// opts: {cmd: [argv...], auth: 'NONE'|'AWS_IAM', env: {NAME: value}, log: file,
//        timeoutMs, eager, defaultPort (URL without a port, see harness.py), python}
// Returns {url, runtime_api, invoke_url, control, credentials, region, child,
//          state(), faults(obj), config(obj), reset(), invoke(body, headers), stop()}.
export async function startHarness(opts) {
  const args = [HARNESS_PY, '--auth', opts.auth || 'NONE', '--exit-on-stdin-eof'];
  if (opts.log) args.push('--log', opts.log);
  if (opts.timeoutMs) args.push('--timeout-ms', String(opts.timeoutMs));
  if (opts.eager) args.push('--eager');
  if (opts.defaultPort) args.push('--default-port');
  for (const [k, v] of Object.entries(opts.env || {})) args.push('--env', `${k}=${v}`);
  args.push('--', ...opts.cmd);
  const child = spawn(opts.python || process.env.PYTHON || 'python3', args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const rl = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('harness did not start in 120 s')), 120000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`harness exited with ${code}`)));
  });
  const info = JSON.parse(first);
  const ctl = async (p, body) => {
    const res = await fetch(`${info.control}/${p}`, body === undefined ? {} : {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });
    return res.json();
  };
  let stopped = false;
  return {
    ...info,
    child,
    state: () => ctl('state'),
    faults: (f) => ctl('faults', f),
    config: (c) => ctl('config', c),
    reset: () => ctl('reset', {}),
    // Direct invoke (like `aws lambda invoke`): returns {status, functionError, body}.
    async invoke(body, headers = {}) {
      const res = await fetch(info.invoke_url, {
        method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers,
      });
      return {
        status: res.status,
        functionError: res.headers.get('x-amz-function-error'),
        errorType: res.headers.get('x-harness-error-type'),
        body: await res.text(),
      };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const done = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
