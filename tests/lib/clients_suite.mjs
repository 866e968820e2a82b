// The real-client checks, shared by the stdio and HTTP tests. Every client connects to the
// conformance build (fixture tools, no AWS), lists the tools and calls one; the messages on the
// wire (recorded by the stdio tap or the HTTP recording proxy) show which protocol revision was
// actually negotiated.
//
// Clients: @modelcontextprotocol/sdk 1.32.2 (legacy), @modelcontextprotocol/client 2.4.0 in
// 'legacy', 'auto' and pinned '2026-07-28' modes, and the MCP Inspector 2.12.0 CLI (legacy and
// modern eras).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CONFORMANCE_BIN,
  NODE_DIR,
  importPkg,
  readTap,
  run,
  sanitizerReport,
  startHttpServer,
  startRecordingProxy,
  tappedStdio,
} from './clients_common.mjs';

const SIMPLE_TEXT = 'This is a simple text response for testing.';
const MODERN = '2026-07-28';
const LEGACY = '2025-11-25';
const PV = 'io.modelcontextprotocol/protocolVersion';
const INFO = { name: 'awscli-mcp-tests', version: '1.0.0' };

const sdk = {
  Client: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/index.js')).Client,
  Stdio: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/stdio.js')).StdioClientTransport,
  Http: (await importPkg('@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js'))
    .StreamableHTTPClientTransport,
};
const v2index = await importPkg('@modelcontextprotocol/client/dist/index.mjs');
const v2 = {
  Client: v2index.Client,
  Stdio: (await importPkg('@modelcontextprotocol/client/dist/stdio.mjs')).StdioClientTransport,
  Http: v2index.StreamableHTTPClientTransport,
};
const INSPECTOR = path.join(NODE_DIR, 'node_modules', '.bin', 'mcp-inspector');

// One place where a client's traffic is recorded. kind = 'stdio' | 'http'.
async function makeWire(kind, tmp, label) {
  if (kind === 'stdio') {
    const file = path.join(tmp, `${label}.tap`);
    return {
      stdio: tappedStdio(file),
      // Messages the client sent / the server sent, in order.
      sent: () => readTap(file).filter((e) => e.dir === 'in').map((e) => e.msg),
      received: () => readTap(file).filter((e) => e.dir === 'out').map((e) => e.msg),
      posts: () => [],
      stderr: () => (existsSync(`${file}.err`) ? readFileSync(`${file}.err`, 'utf8') : ''),
      stop: async () => {},
    };
  }
  const server = await startHttpServer(CONFORMANCE_BIN);
  const proxy = await startRecordingProxy(server.url);
  return {
    url: proxy.url,
    sent: () => proxy.log.flatMap((e) => (e.body === undefined ? [] : [].concat(e.body))),
    received: () => proxy.log.flatMap((e) => (e.resBody === undefined ? [] : [].concat(e.resBody))),
    posts: () => proxy.log.filter((e) => e.method === 'POST'),
    stderr: () => server.stderr(),
    stop: async () => {
      await proxy.stop();
      await server.stop();
    },
  };
}

const requests = (msgs) => msgs.filter((m) => m && m.method && m.id !== undefined);
const methods = (msgs) => requests(msgs).map((m) => m.method);
const reply = (msgs, id) => msgs.find((m) => m && m.id === id && (m.result || m.error));

// What every client must get from tools/list and a tools/call of test_simple_text.
function checkToolsAndCall(r, who, tools, call) {
  const names = (tools.tools || []).map((t) => t.name);
  r.check(`${who}: tools/list lists the fixtures`, names.includes('test_simple_text') &&
    names.includes('test_error_handling'), names);
  r.check(`${who}: every tool has an object inputSchema`,
    (tools.tools || []).every((t) => t.inputSchema && t.inputSchema.type === 'object'));
  const text = call.content && call.content[0] && call.content[0].text;
  r.eq(`${who}: tools/call test_simple_text returns its text`, text, SIMPLE_TEXT);
  r.eq(`${who}: tools/call isError`, call.isError ?? false, false);
}

// Wire checks for a legacy connection: initialize with `version`, echoed back, no probe.
function checkLegacyWire(r, who, wire, kind) {
  const sent = wire.sent();
  const recv = wire.received();
  const init = requests(sent).find((m) => m.method === 'initialize');
  r.check(`${who}: sent initialize`, !!init, methods(sent));
  r.check(`${who}: did not probe server/discover`, !methods(sent).includes('server/discover'),
    methods(sent));
  if (!init) return;
  r.eq(`${who}: requested protocolVersion`, init.params.protocolVersion, LEGACY);
  const rep = reply(recv, init.id);
  r.eq(`${who}: server answered protocolVersion`, rep && rep.result && rep.result.protocolVersion,
    LEGACY);
  const list = requests(sent).find((m) => m.method === 'tools/list');
  r.check(`${who}: legacy tools/list carries no modern _meta`, list && !(list.params?._meta?.[PV]),
    list);
  const listRep = list && reply(recv, list.id);
  r.check(`${who}: legacy tools/list result has no resultType`,
    listRep && listRep.result && listRep.result.resultType === undefined, listRep);
  if (kind === 'http') {
    const after = wire.posts().filter((p) => p.body && p.body.method && p.body.method !== 'initialize');
    r.check(`${who}: later POSTs carry MCP-Protocol-Version ${LEGACY}`,
      after.length > 0 && after.every((p) => p.headers['mcp-protocol-version'] === LEGACY),
      after.map((p) => p.headers['mcp-protocol-version']));
    r.check(`${who}: no Mcp-Session-Id minted`,
      wire.posts().every((p) => !p.resHeaders || !('mcp-session-id' in p.resHeaders)));
  }
}

// Wire checks for a modern connection: server/discover, never initialize, _meta on requests.
function checkModernWire(r, who, wire, kind) {
  const sent = wire.sent();
  const recv = wire.received();
  const m = methods(sent);
  r.check(`${who}: probed with server/discover`, m.includes('server/discover'), m);
  r.check(`${who}: never sent initialize`, !m.includes('initialize'), m);
  const disc = requests(sent).find((x) => x.method === 'server/discover');
  const discRep = disc && reply(recv, disc.id);
  r.check(`${who}: server/discover offers ${MODERN}`,
    discRep && discRep.result && (discRep.result.supportedVersions || []).includes(MODERN), discRep);
  const list = requests(sent).find((x) => x.method === 'tools/list');
  r.eq(`${who}: tools/list _meta protocolVersion`, list && list.params?._meta?.[PV], MODERN);
  const listRep = list && reply(recv, list.id);
  const res = listRep && listRep.result;
  r.check(`${who}: modern tools/list result has resultType, ttlMs, cacheScope`,
    res && res.resultType === 'complete' && Number.isInteger(res.ttlMs) &&
      ['public', 'private'].includes(res.cacheScope), res && { ...res, tools: '...' });
  if (kind === 'http') {
    const modernPosts = wire.posts().filter((p) => p.body && p.body.params?._meta?.[PV] === MODERN);
    r.check(`${who}: modern POSTs carry MCP-Protocol-Version and Mcp-Method headers`,
      modernPosts.length > 0 && modernPosts.every((p) => p.headers['mcp-protocol-version'] === MODERN &&
        p.headers['mcp-method'] === p.body.method),
      modernPosts.map((p) => [p.headers['mcp-protocol-version'], p.headers['mcp-method']]));
    r.check(`${who}: every modern POST answered 200`,
      modernPosts.every((p) => p.status === 200), modernPosts.map((p) => p.status));
  }
}

// Progress for test_tool_with_progress: on the wire, 0, 50 and 100 before the reply and none
// after it (basic/utilities/progress.mdx). The SDK clients hand notifications to their handlers
// a microtask later than responses, so a notification that arrives in the same read as the reply
// can miss its (already removed) progress handler: the client sees a prefix of the wire's list,
// and how long a prefix depends on how the reads fall (on a loaded machine all four messages can
// come in one read), so only "a prefix, in order" is asserted of the client; the wire is exact.
function checkProgress(r, who, wire, seen) {
  const recv = wire.received();
  const call = requests(wire.sent()).filter((m) => m.method === 'tools/call' &&
    m.params?.name === 'test_tool_with_progress').pop();
  const token = call?.params?._meta?.progressToken;
  const idx = recv.findIndex((m) => call && m.id === call.id && (m.result || m.error));
  const before = recv.slice(0, idx).filter((m) => m.method === 'notifications/progress' &&
    m.params.progressToken === token).map((m) => m.params.progress);
  const after = recv.slice(idx + 1).filter((m) => m.method === 'notifications/progress' &&
    m.params.progressToken === token);
  r.eq(`${who}: server sent progress 0, 50, 100 before the reply`, before, [0, 50, 100]);
  r.eq(`${who}: no progress after the reply`, after.length, 0);
  r.check(`${who}: client received a prefix of the progress, in order (${seen.length} of 3)`,
    seen.length <= before.length && seen.every((p, i) => p === before[i]), seen);
}

function sdkTransport(lib, kind, wire) {
  if (kind === 'stdio') return new lib.Stdio({ ...wire.stdio, stderr: 'ignore' });
  return new lib.Http(new URL(wire.url));
}

async function withWire(r, kind, tmp, label, fn) {
  let wire;
  await r.step(`${label}: runs`, async () => {
    wire = await makeWire(kind, tmp, label);
    await fn(wire);
  }, 180000);
  if (wire) {
    await wire.stop().catch(() => {});
    // Under SANITIZE=ON a memory error or leak shows up in the server's stderr.
    const rep = sanitizerReport(wire.stderr());
    r.check(`${label}: no sanitizer report from the server`, !rep, rep);
  }
}

// Each client in turn; `kind` is 'stdio' or 'http'.
export async function runClientSuite(r, kind) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `clients-${kind}-`));
  try {
    // @modelcontextprotocol/sdk 1.32.2: the v1 client, legacy era only.
    await withWire(r, kind, tmp, 'sdk-1.32.2', async (wire) => {
      const who = `sdk 1.32.2 ${kind}`;
      const client = new sdk.Client(INFO, { capabilities: {} });
      await client.connect(sdkTransport(sdk, kind, wire));
      const tools = await client.listTools();
      const call = await client.callTool({ name: 'test_simple_text', arguments: {} });
      checkToolsAndCall(r, who, tools, call);
      // An unknown tool is a JSON-RPC error -32602 (server/tools.mdx "Error Handling").
      let code;
      try {
        await client.callTool({ name: 'no_such_tool', arguments: {} });
      } catch (e) {
        code = e.code;
      }
      r.eq(`${who}: unknown tool is JSON-RPC error -32602`, code, -32602);
      if (kind === 'stdio') {
        // Progress notifications reach the client while the call runs (stdio only: the
        // stateless HTTP server answers application/json, which cannot carry them).
        const seen = [];
        const res = await client.callTool({ name: 'test_tool_with_progress', arguments: {} },
          undefined, { onprogress: (p) => seen.push(p.progress) });
        checkProgress(r, who, wire, seen);
        r.eq(`${who}: progress call result`, res.content?.[0]?.text, 'Progress test completed');
      }
      await client.close();
      checkLegacyWire(r, who, wire, kind);
    });

    // @modelcontextprotocol/client 2.4.0 in each negotiation mode.
    const modes = [
      ['legacy', 'legacy', 'legacy', LEGACY],
      ['auto', 'auto', 'modern', MODERN],
      ['pin-2026-07-28', { pin: MODERN }, 'modern', MODERN],
    ];
    for (const [label, mode, era, version] of modes) {
      await withWire(r, kind, tmp, `client-2.4.0-${label}`, async (wire) => {
        const who = `client 2.4.0 ${label} ${kind}`;
        const client = new v2.Client(INFO, { capabilities: {}, versionNegotiation: { mode } });
        await client.connect(sdkTransport(v2, kind, wire));
        r.eq(`${who}: era`, client.getProtocolEra(), era);
        r.eq(`${who}: negotiated version`, client.getNegotiatedProtocolVersion(), version);
        const tools = await client.listTools();
        const call = await client.callTool({ name: 'test_simple_text', arguments: {} });
        checkToolsAndCall(r, who, tools, call);
        if (kind === 'stdio') {
          const seen = [];
          await client.callTool({ name: 'test_tool_with_progress', arguments: {} },
            { onprogress: (p) => seen.push(p.progress) });
          checkProgress(r, who, wire, seen);
        }
        await client.close();
        if (era === 'modern') checkModernWire(r, who, wire, kind);
        else checkLegacyWire(r, who, wire, kind);
      });
    }

    // MCP Inspector 2.12.0 CLI, legacy (its default) and modern eras.
    for (const era of ['legacy', 'modern']) {
      await withWire(r, kind, tmp, `inspector-${era}`, async (wire) => {
        const who = `inspector ${era} ${kind}`;
        const target = kind === 'stdio'
          ? [wire.stdio.command, ...wire.stdio.args]
          : [wire.url, '--transport', 'http'];
        const base = ['--cli', '-q', '--protocol-era', era, ...target];
        const list = await run(INSPECTOR, [...base, '--method', 'tools/list', '--format', 'json'],
          { timeoutMs: 60000 });
        r.eq(`${who}: tools/list exit code`, list.code, 0);
        let tools = {};
        try {
          tools = JSON.parse(list.stdout).result || {};
        } catch {
          r.check(`${who}: tools/list output is JSON`, false, list.stdout + list.stderr);
        }
        const call = await run(INSPECTOR, [...base, '--method', 'tools/call', '--tool-name',
          'test_simple_text', '--tool-args-json', '{}', '--format', 'json'], { timeoutMs: 60000 });
        r.eq(`${who}: tools/call exit code`, call.code, 0);
        let res = {};
        try {
          res = JSON.parse(call.stdout).result || {};
        } catch {
          r.check(`${who}: tools/call output is JSON`, false, call.stdout + call.stderr);
        }
        checkToolsAndCall(r, who, tools, res);
        // A tool error is exit code 5 (isError result).
        const err = await run(INSPECTOR, [...base, '--method', 'tools/call', '--tool-name',
          'test_error_handling', '--tool-args-json', '{}', '--format', 'json'], { timeoutMs: 60000 });
        r.eq(`${who}: isError result exits 5`, err.code, 5);
        if (era === 'modern') checkModernWire(r, who, wire, kind);
        else checkLegacyWire(r, who, wire, kind);
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
