// Real MCP clients against the conformance build over stdio: @modelcontextprotocol/sdk 1.32.2,
// @modelcontextprotocol/client 2.4.0 (legacy, auto, pinned 2026-07-28) and the MCP Inspector
// 2.12.0 CLI. Each lists the tools and calls one; the stdio tap shows what was negotiated.
// ctest-timeout: 180

import { existsSync } from 'node:fs';

import { CONFORMANCE_BIN, makeRunner } from '../lib/clients_common.mjs';
import { runClientSuite } from '../lib/clients_suite.mjs';

const r = makeRunner('real MCP clients over stdio');
if (!existsSync(CONFORMANCE_BIN)) {
  r.check('conformance build exists', false, CONFORMANCE_BIN);
} else {
  await runClientSuite(r, 'stdio');
}
r.summary();
