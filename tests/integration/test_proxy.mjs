// `awscli-mcp proxy` end to end: unchanged MCP SDK clients start the proxy over stdio, and it
// forwards to awscli-mcp running as a Lambda custom runtime behind the harness's Function URL
// (tests/lambda/harness.py) with auth AWS_IAM, where botocore -- not our signer -- verifies
// every signature. run_aws_cli runs the real AWS CLI v2 against moto. Also: credentials from a
// profile file, wrong, unknown and expired credentials (clear errors), a bearer-token server
// with auth NONE through --header, a network failure, and start-up refusals.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { importPkg, makeRunner, run, SOURCE_DIR, BUILD_DIR } from '../lib/clients_common.mjs';
import { startHarness } from '../lambda/harness.mjs';

const BIN = process.env.AWSCLI_MCP_BIN || path.join(BUILD_DIR, 'awscli-mcp');
const INFO = { name: 'proxy-test', version: '1.0.0' };
const v1 = {
  Client: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/index.js')).Client,
  Stdio: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/stdio.js')).StdioClientTransport,
};
const v2 = {
  ...(await importPkg('@modelcontextprotocol/client/dist/index.mjs')),
  Stdio: (await importPkg('@modelcontextprotocol/client/dist/stdio.mjs')).StdioClientTransport,
};

const r = makeRunner('proxy: stdio clients through awscli-mcp proxy to an AWS_IAM Function URL');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'proxy-test-'));
const motoDir = path.join(tmp, 'moto');
let moto = null;
const harnesses = [];
const callText = (res) => (res.content || []).map((c) => c.text || '').join('');

// A clean environment: nothing from the test runner's own AWS settings leaks in.
function proxyEnv(extra) {
  return { PATH: process.env.PATH, HOME: tmp, AWS_CONFIG_FILE: path.join(tmp, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true',
    AWSCLI_MCP_AWS_CLI: '/usr/bin/aws', ...extra };
}
const credEnv = (c) => ({ AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
  ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}) });

function transport(lib, args, env) {
  return new lib.Stdio({ command: BIN, args: ['proxy', ...args], env: proxyEnv(env), stderr: 'pipe' });
}

async function listAndCall(who, client, t) {
  await client.connect(t);
  const tools = await client.listTools();
  const names = (tools.tools || []).map((x) => x.name);
  r.check(`${who}: tools/list has run_aws_cli`, names.includes('run_aws_cli'), names);
  const res = await client.callTool({ name: 'run_aws_cli',
    arguments: { command: 'logs describe-log-groups --query logGroups[].logGroupName' } });
  r.check(`${who}: run_aws_cli lists moto's log groups`,
    !res.isError && callText(res).includes('/aws/lambda/my-function'), res);
  return client;
}

// Connecting must fail with an error whose message contains `want`.
async function expectRefusal(who, args, env, want) {
  const client = new v1.Client(INFO, { capabilities: {} });
  let msg = '';
  try {
    await client.connect(transport(v1, args, env));
    await client.listTools();
  } catch (e) {
    msg = String(e && e.message);
  }
  await client.close().catch(() => {});
  r.check(`${who}: the client gets a clear error`, msg.includes(want), msg || '(no error)');
}

function auditCallers(file) {
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
      return {};
    }
  }).filter((l) => l.tool === 'run_aws_cli').map((l) => l.caller);
}

async function closedPort() {
  const s = net.createServer();
  await new Promise((res) => s.listen(0, '127.0.0.1', res));
  const { port } = s.address();
  await new Promise((res) => s.close(res));
  return port;
}

try {
  const started = await run('bash', [path.join(SOURCE_DIR, 'tests', 'lib', 'moto.sh'), 'start',
    motoDir], { timeoutMs: 90000 });
  r.eq('moto started', started.code, 0);
  moto = started.stdout.trim().split('\n').pop();
  const runtimeEnv = {
    AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SESSION_TOKEN: '',
    AWS_REGION: 'us-east-1', AWSCLI_MCP_AWS_CLI: '/usr/bin/aws', AWSCLI_MCP_ENDPOINT_URL: moto,
  };
  const ilog = path.join(tmp, 'runtime-iam.log');
  const hi = await startHarness({ cmd: [BIN], env: runtimeEnv, log: ilog, auth: 'AWS_IAM',
    defaultPort: true });
  harnesses.push(hi);
  process.stdout.write(`# AWS_IAM Function URL: ${hi.url}\n`);
  const [user, role] = hi.credentials;
  const args = ['--url', hi.url, '--region', hi.region];

  await r.step('sdk 1.32.2 over stdio through the proxy (IAM user keys)', async () => {
    const c = await listAndCall('sdk 1.32.2', new v1.Client(INFO, { capabilities: {} }),
      transport(v1, args, credEnv(user)));
    await c.close();
    r.check('the function saw the signed caller', auditCallers(ilog).includes(user.userArn),
      auditCallers(ilog));
  }, 120000);

  await r.step('client 2.4.0 auto over stdio through the proxy (session credentials)', async () => {
    const c = new v2.Client(INFO, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
    await listAndCall('client 2.4.0 auto', c, transport(v2, args, credEnv(role)));
    r.eq('client 2.4.0 auto: modern era negotiated through the proxy', c.getProtocolEra(), 'modern');
    await c.close();
    r.check('the function saw the assumed role', auditCallers(ilog).includes(role.userArn),
      auditCallers(ilog));
  }, 120000);

  await r.step('credentials from --profile in a shared credentials file', async () => {
    writeFileSync(path.join(tmp, 'credentials'), `[other]\naws_access_key_id = AKIDOTHER\n` +
      `aws_secret_access_key = nope\n[harness]\naws_access_key_id = ${user.accessKeyId}\n` +
      `aws_secret_access_key = ${user.secretAccessKey}\n`);
    const c = await listAndCall('sdk 1.32.2 --profile', new v1.Client(INFO, { capabilities: {} }),
      transport(v1, [...args, '--profile', 'harness'], {}));
    await c.close();
  }, 120000);

  await r.step('wrong, unknown and expired credentials', async () => {
    await expectRefusal('wrong secret', args, { ...credEnv(user), AWS_SECRET_ACCESS_KEY: 'wrong' },
      'the Function URL rejected the signature: check region (us-east-1)');
    await expectRefusal('unknown access key', args, { AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN',
      AWS_SECRET_ACCESS_KEY: 'x' }, 'does not recognise the AWS credentials');
    await expectRefusal('expired environment credentials', args, { ...credEnv(user),
      AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z' }, 'are expired or about to expire');
    await expectRefusal('no credentials at all', args, {}, 'no AWS credentials found');
    await expectRefusal('a missing profile', [...args, '--profile', 'ghost'], {},
      'the config profile (ghost) could not be found');
  }, 120000);

  await r.step('a network failure names the URL and the cause', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    await expectRefusal('connection refused', ['--url', url, '--region', 'us-east-1'],
      credEnv(user), url);
  }, 60000);

  await r.step('auth NONE with a bearer token through --header', async () => {
    const token = 'proxy-test-token-0123456789';
    const hn = await startHarness({ cmd: [BIN], env: { ...runtimeEnv, AWSCLI_MCP_AUTH_TOKEN: token } });
    harnesses.push(hn);
    const c = await listAndCall('sdk 1.32.2 bearer', new v1.Client(INFO, { capabilities: {} }),
      transport(v1, ['--url', hn.url, '--header', `Authorization: Bearer ${token}`], {}));
    await c.close();
    await expectRefusal('wrong bearer token', ['--url', hn.url, '--header',
      'Authorization: Bearer wrong-token-0123456789'], {}, 'refused the request (HTTP 401)');
  }, 120000);

  await r.step('start-up refusals', async () => {
    const noRegion = await run(BIN, ['proxy', '--url', 'https://mcp.example.com/mcp'],
      { timeoutMs: 10000, input: '' });
    r.check('a URL without an inferable region needs --region', noRegion.code === 2 &&
      noRegion.stderr.includes('--region is required'), noRegion);
    const plain = await run(BIN, ['proxy', '--url', 'http://example.com/', '--region', 'x'],
      { timeoutMs: 10000, input: '' });
    r.check('plain http to a remote host is refused', plain.code === 2 &&
      plain.stderr.includes('only to a loopback host'), plain);
  }, 30000);
} catch (e) {
  r.check('test ran to the end', false, e && e.stack ? e.stack : e);
} finally {
  for (const h of harnesses) await h.stop().catch(() => {});
  if (moto) await run('bash', [path.join(SOURCE_DIR, 'tests', 'lib', 'moto.sh'), 'stop', motoDir]);
  if (r.failed === 0) rmSync(tmp, { recursive: true, force: true });
  else process.stdout.write(`# logs kept in ${tmp}\n`);
  r.summary();
}
