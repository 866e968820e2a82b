// Real MCP clients against the conformance build (`serve`) over Streamable HTTP:
// @modelcontextprotocol/sdk 1.32.2, @modelcontextprotocol/client 2.4.0 (legacy, auto, pinned
// 2026-07-28) and the MCP Inspector 2.12.0 CLI. Each lists the tools and calls one; a recording
// HTTP proxy in front of the server shows what was negotiated.
// ctest-timeout: 180

import { existsSync } from 'node:fs';

import { CONFORMANCE_BIN, makeRunner } from '../lib/clients_common.mjs';
import { runClientSuite } from '../lib/clients_suite.mjs';

const r = makeRunner('real MCP clients over Streamable HTTP');
if (!existsSync(CONFORMANCE_BIN)) {
  r.check('conformance build exists', false, CONFORMANCE_BIN);
} else {
  await runClientSuite(r, 'http');
}
r.summary();
