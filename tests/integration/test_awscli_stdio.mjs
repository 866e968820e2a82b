// run_aws_cli over stdio: the real AWS CLI v2 against a seeded moto, driven by the MCP SDK's
// Client + StdioClientTransport (see tests/lib/awscli_cases.mjs for the cases).
// ctest-timeout: 1200

import { importPkg, makeRunner } from '../lib/clients_common.mjs';
import { AWSCLI_MCP_BIN, runCases } from '../lib/awscli_cases.mjs';

const { Client } = await importPkg('@modelcontextprotocol/sdk/dist/esm/client/index.js');
const { StdioClientTransport } = await importPkg('@modelcontextprotocol/sdk/dist/esm/client/stdio.js');

const r = makeRunner('run_aws_cli over stdio (real AWS CLI v2, moto)');

async function connect(env) {
  const transport = new StdioClientTransport({
    command: AWSCLI_MCP_BIN,
    args: ['stdio'],
    env: { PATH: process.env.PATH, ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr.on('data', (d) => {
    if (err.length < 1000000) err += d;
  });
  const client = new Client({ name: 'test_awscli_stdio', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close(), stderr: () => err };
}

try {
  await runCases(r, connect, 'stdio', { cancel: true });
} catch (e) {
  r.check('stdio: cases ran to the end', false, e && e.stack ? e.stack : e);
}
r.summary();
process.exit(process.exitCode);
