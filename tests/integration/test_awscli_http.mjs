// run_aws_cli over Streamable HTTP (`awscli-mcp serve`): the real AWS CLI v2 against a seeded
// moto, driven by the MCP SDK's Client + StreamableHTTPClientTransport (the cases are in
// tests/lib/awscli_cases.mjs, shared with the stdio test).
// ctest-timeout: 1200

import { importPkg, makeRunner, startHttpServer } from '../lib/clients_common.mjs';
import { AWSCLI_MCP_BIN, runCases } from '../lib/awscli_cases.mjs';

const { Client } = await importPkg('@modelcontextprotocol/sdk/dist/esm/client/index.js');
const { StreamableHTTPClientTransport } = await importPkg(
  '@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js');

const r = makeRunner('run_aws_cli over Streamable HTTP (real AWS CLI v2, moto)');

async function connect(env) {
  const server = await startHttpServer(AWSCLI_MCP_BIN, env);
  const client = new Client({ name: 'test_awscli_http', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    client,
    close: async () => {
      await client.close();
      await server.stop();
    },
    stderr: () => server.stderr(),
  };
}

try {
  await runCases(r, connect, 'http');
} catch (e) {
  r.check('http: cases ran to the end', false, e && e.stack ? e.stack : e);
}
r.summary();
process.exit(process.exitCode);
