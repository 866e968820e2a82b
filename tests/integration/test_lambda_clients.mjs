// Real MCP clients, unchanged, against awscli-mcp running as a Lambda custom runtime behind the
// harness's Function URL front door (tests/lambda/harness.py): the v1 SDK client, the v2 client
// in 'legacy' and 'auto' modes, the MCP Inspector CLI, a direct `lambda invoke`-style JSON-RPC
// event, and with auth AWS_IAM the SigV4-signing transport of
// @aws/run-mcp-servers-with-aws-lambda (and a v2 client over a signing fetch). run_aws_cli runs
// the real AWS CLI v2 against moto. The runtime is started by the harness like Lambda starts a
// container image's entrypoint: no arguments, AWS_LAMBDA_RUNTIME_API set.
// ctest-timeout: 1200

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { importPkg, makeRunner, NODE_DIR, run, SOURCE_DIR, BUILD_DIR } from '../lib/clients_common.mjs';
import { startHarness } from '../lambda/harness.mjs';

const BIN = process.env.LAMBDA_TEST_BIN || process.env.AWSCLI_MCP_BIN ||
  path.join(BUILD_DIR, 'awscli-mcp');
const INSPECTOR = path.join(NODE_DIR, 'node_modules', '.bin', 'mcp-inspector');
const INFO = { name: 'lambda-clients-test', version: '1.0.0' };

const sdk = {
  Client: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/index.js')).Client,
  Http: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js'))
    .StreamableHTTPClientTransport,
};
const v2 = await importPkg('@modelcontextprotocol/client/dist/index.mjs');
const awsLib = await importPkg('@aws/run-mcp-servers-with-aws-lambda/dist/index.js');

const r = makeRunner('Lambda runtime: real clients through the Function URL front door');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lambda-clients-'));
const motoDir = path.join(tmp, 'moto');
let moto = null;
const harnesses = [];

function logLines(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return { unparsed: l };
    }
  });
}

// Only when the harness could not take port 80 (not root): Node's fetch replaces the Host
// header the signer signed (the hostname alone, as for a real Function URL on 443) by
// "host:port". This fetch sends the request with the headers exactly as signed.
function hostKeepingFetch(u, init = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(u);
    const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers)
      : { ...(init.headers || {}) };
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search,
      method: init.method || 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(res.statusCode === 202 ? null
        : Buffer.concat(chunks), { status: res.statusCode, headers: Object.entries(res.headers)
        .flatMap(([k, v]) => [].concat(v).map((x) => [k, x])) })));
    });
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

const callText = (res) => (res.content || []).map((c) => c.text || '').join('');

async function checkClient(who, client, transport, h) {
  await client.connect(transport);
  const tools = await client.listTools();
  const names = (tools.tools || []).map((t) => t.name);
  r.check(`${who}: tools/list has run_aws_cli`, names.includes('run_aws_cli'), names);
  const res = await client.callTool({ name: 'run_aws_cli',
    arguments: { command: 'logs describe-log-groups --query logGroups[].logGroupName' } });
  r.check(`${who}: run_aws_cli lists moto's log groups`,
    !res.isError && callText(res).includes('/aws/lambda/my-function'), res);
  await client.close();
  return h;
}

try {
  // A real CloudWatch Logs endpoint (moto), seeded through the real AWS CLI.
  const started = await run('bash', [path.join(SOURCE_DIR, 'tests', 'lib', 'moto.sh'), 'start',
    motoDir], { timeoutMs: 600000 });
  r.eq('moto started', started.code, 0);
  moto = started.stdout.trim().split('\n').pop();
  const runtimeEnv = {
    AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SESSION_TOKEN: '',
    AWS_REGION: 'us-east-1', AWSCLI_MCP_AWS_CLI: '/usr/bin/aws', AWSCLI_MCP_ENDPOINT_URL: moto,
  };

  // ---- auth NONE ----
  const log = path.join(tmp, 'runtime-none.log');
  const h = await startHarness({ cmd: [BIN], env: runtimeEnv, log });
  harnesses.push(h);
  const url = new URL(h.url);

  await r.step('sdk 1.32.2 over the Function URL', async () => {
    await checkClient('sdk 1.32.2', new sdk.Client(INFO, { capabilities: {} }), new sdk.Http(url));
  }, 300000);

  for (const mode of ['legacy', 'auto']) {
    await r.step(`client 2.4.0 ${mode} over the Function URL`, async () => {
      const client = new v2.Client(INFO, { capabilities: {}, versionNegotiation: { mode } });
      await client.connect(new v2.StreamableHTTPClientTransport(url));
      r.eq(`client 2.4.0 ${mode}: era`, client.getProtocolEra(), mode === 'auto' ? 'modern' : 'legacy');
      await client.close();
      await checkClient(`client 2.4.0 ${mode}`,
        new v2.Client(INFO, { capabilities: {}, versionNegotiation: { mode } }),
        new v2.StreamableHTTPClientTransport(url));
    }, 300000);
  }

  await r.step('MCP Inspector CLI over the Function URL', async () => {
    const list = await run(INSPECTOR, ['--cli', h.url, '--transport', 'http', '--method',
      'tools/list'], { timeoutMs: 90000 });
    r.eq('inspector: tools/list exit code', list.code, 0);
    r.check('inspector: tools/list shows run_aws_cli', list.stdout.includes('run_aws_cli'),
      list.stdout + list.stderr);
    const call = await run(INSPECTOR, ['--cli', h.url, '--transport', 'http', '--method',
      'tools/call', '--tool-name', 'run_aws_cli', '--tool-arg',
      'command=logs describe-log-groups'], { timeoutMs: 90000 });
    r.eq('inspector: tools/call exit code', call.code, 0);
    r.check('inspector: tools/call output has the seeded group',
      call.stdout.includes('my-function'), call.stdout + call.stderr);
  }, 300000);

  await r.step('direct invoke with a JSON-RPC message (aws lambda invoke)', async () => {
    const list = await h.invoke({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
    const doc = JSON.parse(list.body);
    r.eq('invoke tools/list: id', doc.id, 5);
    r.check('invoke tools/list: run_aws_cli listed',
      (doc.result?.tools || []).some((t) => t.name === 'run_aws_cli'), doc);
    const note = await h.invoke({ jsonrpc: '2.0', method: 'notifications/initialized' });
    r.eq('invoke notification: {} (no reply)', note.body, '{}');
    const call = await h.invoke({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: {
      name: 'run_aws_cli', arguments: { command: 'cloudwatch describe-alarms' } } });
    const c = JSON.parse(call.body);
    r.check('invoke tools/call: alarm from moto', JSON.stringify(c.result || {}).includes(
      'my-function-errors'), c);
  }, 300000);

  await r.step('one warm process served every invocation; logs are Lambda JSON', async () => {
    const st = await h.state();
    r.eq('runtime started once', st.starts, 1);
    r.eq('runtime never exited', st.exits, []);
    r.check('every invocation answered with a response',
      st.invocations.length > 5 && st.invocations.every((i) => i.result === 'response'),
      st.invocations);
    // The runtime writes an invocation's log line after it has posted the reply, so the
    // harness may have the reply before the line is in the file (seen under ctest -j8): wait
    // for the lines (bounded), rather than assume the write has happened.
    let lines = logLines(log);
    for (let i = 0; i < 200; i++) {
      if (lines.filter((l) => l.message === 'invocation').length >= st.invocations.length) break;
      await new Promise((res) => setTimeout(res, 50));
      lines = logLines(log);
    }
    r.check('every log line is JSON with timestamp and level',
      lines.length > 0 && lines.every((l) => l.timestamp && l.level && l.message !== undefined),
      lines.filter((l) => !(l.timestamp && l.level)).slice(0, 3));
    const ids = new Set(st.invocations.map((i) => i.id));
    const inv = lines.filter((l) => l.message === 'invocation');
    r.check('an invocation line per invocation, with its request id',
      inv.length === st.invocations.length && inv.every((l) => ids.has(l.requestId)),
      inv.length);
    const audits = lines.filter((l) => l.tool === 'run_aws_cli');
    r.check('tool audit lines carry the Lambda request id',
      audits.length > 0 && audits.every((l) => ids.has(l.requestId)), audits.slice(0, 2));
  });

  // ---- auth AWS_IAM ----
  const ilog = path.join(tmp, 'runtime-iam.log');
  const hi = await startHarness({ cmd: [BIN], env: runtimeEnv, log: ilog, auth: 'AWS_IAM',
    defaultPort: true });
  harnesses.push(hi);
  const baseFetch = hi.default_port ? undefined : hostKeepingFetch;
  process.stdout.write(`# AWS_IAM Function URL: ${hi.url}\n`);
  const iurl = new URL(hi.url);
  const [user, role] = hi.credentials;
  const creds = (c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) });

  for (const [label, c] of [['IAM user', user], ['assumed role (session token)', role]]) {
    await r.step(`SigV4 transport (${label}) over the AWS_IAM Function URL`, async () => {
      const transport = new awsLib.StreamableHTTPClientWithSigV4Transport(iurl, {
        credentials: creds(c), region: hi.region, service: 'lambda', fetch: baseFetch });
      await checkClient(`sigv4 ${label}`, new sdk.Client(INFO, { capabilities: {} }), transport);
      const audits = logLines(ilog).filter((l) => l.tool === 'run_aws_cli');
      r.check(`sigv4 ${label}: audit line names the caller ${c.userArn}`,
        audits.some((l) => l.caller === c.userArn), audits.map((l) => l.caller));
    }, 300000);
  }

  await r.step('client 2.4.0 auto over a @smithy/signature-v4 fetch', async () => {
    const fetchSigned = awsLib.createSigV4Fetch({ credentials: creds(user), region: hi.region,
      service: 'lambda', baseFetch });
    await checkClient('client 2.4.0 auto sigv4',
      new v2.Client(INFO, { capabilities: {}, versionNegotiation: { mode: 'auto' } }),
      new v2.StreamableHTTPClientTransport(iurl, { fetch: fetchSigned }));
  }, 300000);

  await r.step('AWS_IAM: unsigned, wrongly signed and tampered requests get 403', async () => {
    const before = (await hi.state()).invocations.length;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const hdrs = { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18' };
    const plain = await fetch(iurl, { method: 'POST', body, headers: hdrs });
    r.eq('unsigned: 403', plain.status, 403);
    r.eq('unsigned: x-amzn-ErrorType', plain.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    r.check('unsigned: Forbidden message', (await plain.json()).Message?.startsWith('Forbidden.'));

    const wrong = awsLib.createSigV4Fetch({ credentials: { ...creds(user),
      secretAccessKey: 'not-the-secret' }, region: hi.region, service: 'lambda', baseFetch });
    const w = await wrong(iurl, { method: 'POST', body, headers: hdrs });
    r.eq('wrong secret: 403', w.status, 403);
    r.eq('wrong secret: x-amzn-ErrorType', w.headers.get('x-amzn-errortype'),
      'InvalidSignatureException');
    r.check('wrong secret: signature message',
      (await w.json()).message?.startsWith('The request signature we calculated does not match'));

    // Signed for one body, sent with another.
    const good = awsLib.createSigV4Fetch({ credentials: creds(user), region: hi.region,
      service: 'lambda', baseFetch: (u, init) => (baseFetch || fetch)(u, { ...init,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {
          name: 'run_aws_cli', arguments: { command: 'logs describe-log-groups' } } }) }) });
    const t = await good(iurl, { method: 'POST', body, headers: hdrs });
    r.eq('tampered body: 403', t.status, 403);
    r.eq('tampered body: x-amzn-ErrorType', t.headers.get('x-amzn-errortype'),
      'InvalidSignatureException');

    const wrongRegion = awsLib.createSigV4Fetch({ credentials: creds(user), region: 'eu-west-1',
      service: 'lambda', baseFetch });
    r.eq('signed for another region: 403', (await wrongRegion(iurl, { method: 'POST', body,
      headers: hdrs })).status, 403);
    const noToken = awsLib.createSigV4Fetch({ credentials: { accessKeyId: role.accessKeyId,
      secretAccessKey: role.secretAccessKey }, region: hi.region, service: 'lambda', baseFetch });
    r.eq('session credentials without their token: 403', (await noToken(iurl, { method: 'POST',
      body, headers: hdrs })).status, 403);
    r.eq('denied requests never reached the function', (await hi.state()).invocations.length,
      before);
  }, 300000);
} catch (e) {
  r.check('test ran to the end', false, e && e.stack ? e.stack : e);
} finally {
  for (const h of harnesses) await h.stop().catch(() => {});
  if (moto) await run('bash', [path.join(SOURCE_DIR, 'tests', 'lib', 'moto.sh'), 'stop', motoDir]);
  if (r.failed === 0) rmSync(tmp, { recursive: true, force: true });
  else process.stdout.write(`# logs kept in ${tmp}\n`);
  r.summary();
}
