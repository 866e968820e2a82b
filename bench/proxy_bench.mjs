// proxy: `awscli-mcp proxy` vs a Node bridge (bench/node_sigv4_bridge.mjs: the SDK's stdio
// server transport + @aws/run-mcp-servers-with-aws-lambda's SigV4 client transport), in the
// same run against the same endpoint: awscli-mcp as a Lambda runtime behind the harness's
// Function URL with auth AWS_IAM (tests/lambda/harness.py, which checks every signature with
// botocore). Prints Markdown.
//
// Start-up: spawn the bridge, write `initialize` at once, stop the clock at the reply line
// (credentials from the environment, so no profile or metadata lookup). BENCH_RUNS (20) times
// each, interleaved.
// Per message: one long-lived bridge each, then BENCH_MSGS (200) sequential `ping` round trips,
// interleaved (one through each bridge and one direct, in turn), so that a change of load
// during the run weighs on all alike.
// Baseline: the same request, signed once (by createSigV4Fetch, captured) and then written as
// raw bytes on one keep-alive socket, so that it costs the client nothing: harness + runtime +
// loopback only. Overhead = bridge median - baseline median. The same baseline is given for
// `initialize`, so the start-up figure can be read as "bridge start + one round trip".
// CPU per message (robust on a busy machine, where wall-clock figures are noisy): each
// awscli-mcp bridge again, under /usr/bin/time, for BENCH_CPU_MSGS (2000) pings; user + system
// time of the whole process divided by the pings (its start-up is a few ms of that). Skipped
// when /usr/bin/time is missing.
// BENCH_OTHER_BIN (optional): a second awscli-mcp binary (an earlier build, say) measured as a
// third bridge in the same run, named by BENCH_OTHER_LABEL.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(here, '..');
const NODE_DIR = process.env.NODE_DIR || path.join(SRC, 'tests', 'node');
const BIN = process.env.AWSCLI_MCP_BIN || path.join(SRC, 'build', 'awscli-mcp');
const RUNS = Number(process.env.BENCH_RUNS || 20);
const MSGS = Number(process.env.BENCH_MSGS || 200);
const CPU_MSGS = Number(process.env.BENCH_CPU_MSGS || 2000);
const OTHER_BIN = process.env.BENCH_OTHER_BIN || '';
const OTHER_LABEL = process.env.BENCH_OTHER_LABEL || OTHER_BIN;
const { startHarness } = await import(pathToFileURL(path.join(SRC, 'tests', 'lambda', 'harness.mjs')).href);
const awsLib = await import(pathToFileURL(path.join(NODE_DIR, 'node_modules',
  '@aws/run-mcp-servers-with-aws-lambda/dist/index.js')).href);

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {
  protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];
const f = (x) => x.toFixed(2);

function bridge(kind, url, region, env, timed = false) {
  const proxyArgs = ['proxy', '--url', url, '--region', region, '--log-level', 'error'];
  let [cmd, args] = kind === 'ours' ? [BIN, proxyArgs]
    : kind === 'other' ? [OTHER_BIN, proxyArgs]
      : [process.execPath, [path.join(here, 'node_sigv4_bridge.mjs'), url, region]];
  if (timed) [cmd, args] = ['/usr/bin/time', ['-f', 'cpu %U %S', cmd, ...args]];
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME,
    AWS_EC2_METADATA_DISABLED: 'true', NODE_DIR, ...env },
  stdio: ['pipe', 'pipe', timed ? 'pipe' : 'ignore'] });
  let stderr = '';
  if (timed) child.stderr.on('data', (d) => { stderr += d; });
  const rl = readline.createInterface({ input: child.stdout });
  const waiting = new Map();
  rl.on('line', (l) => {
    let m;
    try {
      m = JSON.parse(l);
    } catch {
      return;
    }
    const w = waiting.get(m.id);
    if (w) {
      waiting.delete(m.id);
      w(m);
    }
  });
  return {
    child,
    request(id, line) {
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.stdin.write(line + '\n');
      });
    },
    async stop() {
      const done = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      await done;
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(stderr);
      return m ? Number(m[1]) + Number(m[2]) : null; // seconds, when timed
    },
  };
}

// One raw HTTP/1.1 request written on a kept-alive socket; resolves when the whole reply is in.
function rawClient(url) {
  const u = new URL(url);
  const sock = net.connect(Number(u.port || 80), u.hostname);
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let pending = null;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !pending) return;
    const m = /content-length: *(\d+)/i.exec(buf.subarray(0, end).toString());
    const need = end + 4 + (m ? Number(m[1]) : 0);
    if (buf.length < need) return;
    const reply = buf.subarray(0, need).toString();
    buf = buf.subarray(need);
    const p = pending;
    pending = null;
    p(reply);
  });
  return {
    send: (bytes) => new Promise((resolve) => {
      pending = resolve;
      sock.write(bytes);
    }),
    close: () => sock.destroy(),
  };
}

// The bytes of a signed POST of `body`: createSigV4Fetch signs, a capturing fetch keeps them.
async function signedBytes(url, creds, region, body) {
  let raw = null;
  const fetchSigned = awsLib.createSigV4Fetch({ credentials: creds, region, service: 'lambda',
    baseFetch: async (u, init) => {
      const hs = init.headers instanceof Headers ? [...init.headers.entries()]
        : Object.entries(init.headers || {});
      const x = new URL(u);
      raw = `POST ${x.pathname}${x.search} HTTP/1.1\r\n` +
        hs.map(([k, v]) => `${k}: ${v}`).join('\r\n') +
        `\r\ncontent-length: ${Buffer.byteLength(init.body)}\r\n\r\n${init.body}`;
      return new Response('{}', { status: 200 });
    } });
  await fetchSigned(url, { method: 'POST', body, headers: { 'content-type': 'application/json',
    accept: 'application/json, text/event-stream' } });
  return raw;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'proxy-bench-'));
const h = await startHarness({ cmd: [BIN], auth: 'AWS_IAM', defaultPort: true, eager: true,
  log: path.join(tmp, 'runtime.log'),
  env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } });
try {
  if (!h.default_port) throw new Error('the harness needs port 80 for the Node bridge (Host header)');
  const [user] = h.credentials;
  const env = { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
  const kinds = OTHER_BIN ? ['ours', 'other', 'node'] : ['ours', 'node'];

  const startup = { ours: [], other: [], node: [] };
  for (let i = 0; i < RUNS + 1; i++) {
    for (const k of kinds) {
      const t0 = now();
      const b = bridge(k, h.url, h.region, env);
      const reply = await b.request(0, INIT);
      const ms = now() - t0;
      await b.stop();
      if (!reply.result) throw new Error(`${k}: initialize failed: ${JSON.stringify(reply)}`);
      if (i > 0) startup[k].push(ms); // the first run of each warms the page cache
    }
  }

  const rtt = { ours: [], other: [], node: [], direct: [] };
  const ping = (id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
  const creds = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
  const initBytes = await signedBytes(h.url, creds, h.region, INIT);
  const pingBytes = await signedBytes(h.url, creds, h.region, ping(1));
  const direct = rawClient(h.url);
  const baseInit = [];
  for (let i = 1; i <= MSGS + 10; i++) {
    const t0 = now();
    const reply = await direct.send(initBytes);
    if (!reply.startsWith('HTTP/1.1 200')) throw new Error(`baseline: ${reply.slice(0, 300)}`);
    if (i > 10) baseInit.push(now() - t0);
  }
  const bridges = {};
  for (const k of kinds) {
    bridges[k] = bridge(k, h.url, h.region, env);
    await bridges[k].request(0, INIT);
  }
  for (let i = 1; i <= MSGS + 10; i++) {
    for (const k of kinds) {
      const t0 = now();
      const reply = await bridges[k].request(i, ping(i));
      if (!reply.result) throw new Error(`${k}: ping failed: ${JSON.stringify(reply)}`);
      if (i > 10) rtt[k].push(now() - t0);
    }
    const t0 = now();
    const reply = await direct.send(pingBytes);
    if (!reply.startsWith('HTTP/1.1 200')) throw new Error(`baseline: ${reply.slice(0, 300)}`);
    if (i > 10) rtt.direct.push(now() - t0);
  }
  for (const k of kinds) await bridges[k].stop();
  direct.close();
  const base = { init: baseInit };

  const cpu = {};
  if (existsSync('/usr/bin/time')) {
    for (const k of kinds.filter((x) => x !== 'node')) {
      const b = bridge(k, h.url, h.region, env, true);
      for (let i = 0; i < CPU_MSGS; i++) await b.request(i, ping(i));
      const s = await b.stop();
      if (s !== null) cpu[k] = (s * 1000) / CPU_MSGS;
    }
  }

  const name = { ours: '`awscli-mcp proxy`', other: `\`awscli-mcp proxy\` (${OTHER_LABEL})`,
    node: 'Node bridge (SDK stdio + SigV4 transport)' };
  console.log(`Start-up to the first forwarded reply (\`initialize\`), ${RUNS} runs each; the `
    + `same \`initialize\` as pre-signed raw bytes on a kept-alive socket takes `
    + `${f(median(base.init))} ms (median):\n`);
  console.log('| bridge | median | p90 |\n|---|---:|---:|');
  for (const k of kinds) console.log(`| ${name[k]} | ${f(median(startup[k]))} ms | ${f(pct(startup[k], 0.9))} ms |`);
  console.log(`\n\`ping\` round trips, ${MSGS} sequential each:\n`);
  console.log('| path | median | p90 | overhead over direct (median) |\n|---|---:|---:|---:|');
  console.log(`| baseline (pre-signed bytes, kept-alive socket) | ${f(median(rtt.direct))} ms | ${f(pct(rtt.direct, 0.9))} ms | - |`);
  for (const k of kinds) {
    console.log(`| ${name[k]} | ${f(median(rtt[k]))} ms | ${f(pct(rtt[k], 0.9))} ms | ${f(median(rtt[k]) - median(rtt.direct))} ms |`);
  }
  if (Object.keys(cpu).length) {
    console.log(`\nCPU time (user + system) per message over ${CPU_MSGS} pings, start-up included:\n`);
    console.log('| bridge | CPU per message |\n|---|---:|');
    for (const k of Object.keys(cpu)) console.log(`| ${name[k]} | ${cpu[k].toFixed(3)} ms |`);
  }
} finally {
  await h.stop();
  rmSync(tmp, { recursive: true, force: true });
}
