// Shared helpers for the real-client integration tests, the conformance runner and the
// benchmarks: where things are, a tiny pass/fail runner, free ports, starting the HTTP server,
// and wire recorders (a stdio tap and an HTTP recording proxy) so that tests can assert on
// what the clients actually sent and received, not on what the client libraries report.

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.SOURCE_DIR || path.resolve(here, '..', '..');
export const BUILD_DIR = process.env.BUILD_DIR || path.join(SOURCE_DIR, 'build');
export const NODE_DIR = process.env.NODE_DIR || path.join(SOURCE_DIR, 'tests', 'node');
export const NODE_BIN = path.join(NODE_DIR, 'node_modules', '.bin', 'node');
export const CONFORMANCE_BIN =
  process.env.CONFORMANCE_BIN || path.join(BUILD_DIR, 'awscli-mcp-conformance');
export const TAP = path.join(here, 'clients_tap.mjs');

// Imports a file inside tests/node/node_modules (the tests live outside that tree, so bare
// specifiers would not resolve).
export function importPkg(rel) {
  return import(pathToFileURL(path.join(NODE_DIR, 'node_modules', rel)).href);
}

// A minimal runner: checks are counted, failures print both sides, summary() prints
// "N passed, N failed" and sets the exit code.
export function makeRunner(title) {
  let passed = 0;
  let failed = 0;
  const say = (s) => process.stdout.write(s + '\n');
  say(`# ${title}`);
  const r = {
    check(name, ok, detail) {
      if (ok) {
        passed++;
        say(`ok   ${name}`);
      } else {
        failed++;
        say(`FAIL ${name}${detail !== undefined ? ': ' + fmt(detail) : ''}`);
      }
      return !!ok;
    },
    eq(name, got, want) {
      const ok = JSON.stringify(got) === JSON.stringify(want);
      return r.check(name, ok, ok ? undefined : `got ${fmt(got)}, want ${fmt(want)}`);
    },
    // Runs fn with a time limit; an exception is one failed check.
    async step(name, fn, timeoutMs = 300000) {
      let timer;
      try {
        await Promise.race([
          fn(),
          new Promise((_, rej) => {
            timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (e) {
        r.check(name, false, e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
      } finally {
        clearTimeout(timer);
      }
    },
    summary() {
      say(`${passed} passed, ${failed} failed`);
      process.exitCode = failed || passed === 0 ? 1 : 0;
      return failed;
    },
    get failed() {
      return failed;
    },
  };
  return r;
}

function fmt(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > 600 ? s.slice(0, 600) + '...' : s;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`server exited (${child.exitCode ?? child.signalCode}) before listening`));
        return;
      }
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} not listening after ${timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

// Starts `bin serve --listen 127.0.0.1:PORT` and waits until it accepts connections.
// Returns {url, port, child, stderr(), stop()}; stop() is safe to call twice.
export async function startHttpServer(bin = CONFORMANCE_BIN, env = {}) {
  const port = await freePort();
  let err = '';
  const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWSCLI_MCP_LOG_LEVEL: 'warn', ...env },
  });
  child.stderr.on('data', (d) => {
    if (err.length < 100000) err += d;
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    await waitForPort(port, child, 60000);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}; stderr: ${err.slice(0, 500)}`);
  }
  return { url: `http://127.0.0.1:${port}/mcp`, port, child, stderr: () => err, stop };
}

// An HTTP proxy that records every exchange: {method, path, headers (lower-case), body
// (parsed JSON or text), status, resHeaders, resBody}. Forwards to `target` (a URL) with the
// Host header rewritten to the target's.
export async function startRecordingProxy(target) {
  const t = new URL(target);
  const log = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry = {
        method: req.method,
        path: req.url,
        headers: { ...req.headers },
        body: parseMaybe(body.toString('utf8')),
      };
      log.push(entry);
      const headers = { ...req.headers, host: t.host };
      delete headers['content-length'];
      const up = http.request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers },
        (ures) => {
          const rchunks = [];
          ures.on('data', (c) => rchunks.push(c));
          ures.on('end', () => {
            const rbody = Buffer.concat(rchunks);
            entry.status = ures.statusCode;
            entry.resHeaders = { ...ures.headers };
            entry.resBody = parseMaybe(rbody.toString('utf8'));
            const h = { ...ures.headers };
            delete h['transfer-encoding'];
            h['content-length'] = String(rbody.length);
            res.writeHead(ures.statusCode, h);
            res.end(rbody);
          });
        },
      );
      up.on('error', (e) => {
        entry.status = 502;
        entry.error = String(e);
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${t.pathname}`,
    log,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function parseMaybe(s) {
  if (s === '') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

// The command that runs `bin stdio` behind the stdio tap, recording to `logFile`.
export function tappedStdio(logFile, bin = CONFORMANCE_BIN, extraArgs = []) {
  return { command: NODE_BIN, args: [TAP, logFile, bin, 'stdio', ...extraArgs] };
}

// Lines recorded by the tap: [{dir: 'in'|'out', pid, msg}] (msg parsed JSON, or the raw line).
export function readTap(logFile) {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

// A sanitizer report (ASan, LSan, UBSan) in a server's stderr, or null.
export function sanitizerReport(stderr) {
  const m = /(ERROR: (Address|Leak)Sanitizer|runtime error:).*/.exec(stderr || '');
  return m ? stderr.slice(m.index, m.index + 400) : null;
}

export function appendJsonLine(file, obj) {
  appendFileSync(file, JSON.stringify(obj) + '\n');
}

// Runs a command to completion. Returns {code, signal, stdout, stderr}.
export function run(cmd, args, { timeoutMs = 300000, env, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A child that exits before reading its stdin (a start-up refusal) must not crash the test.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

// Methods of the JSON-RPC requests in a list of messages.
export function methodsOf(msgs) {
  return msgs.filter((m) => m && typeof m === 'object' && m.method && m.id !== undefined).map((m) => m.method);
}
