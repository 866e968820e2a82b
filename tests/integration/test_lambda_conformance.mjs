// The official MCP conformance suite's server scenarios through the Lambda harness: the
// conformance build runs as a Lambda custom runtime behind the Function URL front door, and the
// suite runs against that URL. The same suite also runs against the local `serve` of the same
// build, in the same run: whatever passes locally must pass through Lambda too (the Lambda
// adapter may add no failure), and the runtime must serve the whole suite from one process.
// Which scenarios fail locally, and why, is test_conformance.sh's business, not this test's.
// ctest-timeout: 240

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CONFORMANCE_BIN, NODE_BIN, NODE_DIR, makeRunner, run, startHttpServer }
  from '../lib/clients_common.mjs';
import { startHarness } from '../lambda/harness.mjs';

const SUITES = [
  ['conformance-0.1', '2025-11-25'],
  ['conformance-0.2', '2026-07-28'],
];
const CORE = ['server-initialize', 'ping', 'tools-list', 'tools-call-simple-text'];

const r = makeRunner('Lambda runtime: MCP conformance suite through the Function URL front door');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lambda-conformance-'));

async function suite(pkg, version, url, tag) {
  const cli = path.join(NODE_DIR, 'node_modules', pkg, 'dist', 'index.js');
  const res = await run(NODE_BIN, [cli, 'server', '--url', url, '--spec-version', version, '-o',
    path.join(tmp, tag)], { timeoutMs: 400000,
    env: { PATH: `${path.dirname(NODE_BIN)}:${process.env.PATH}` } });
  const out = new Map();
  for (const m of res.stdout.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/gmu)) {
    out.set(m[2], m[1] === '✓');
  }
  return { results: out, tail: res.stdout.slice(-600) + res.stderr.slice(-600) };
}

try {
  for (const [pkg, version] of SUITES) {
    await r.step(`${version}: suite locally and through Lambda`, async () => {
      const local = await startHttpServer(CONFORMANCE_BIN);
      let loc;
      try {
        loc = await suite(pkg, version, local.url, `local-${version}`);
      } finally {
        await local.stop();
      }
      const h = await startHarness({ cmd: [CONFORMANCE_BIN],
        log: path.join(tmp, `runtime-${version}.log`) });
      let lam;
      let st;
      try {
        lam = await suite(pkg, version, h.url, `lambda-${version}`);
        st = await h.state();
      } finally {
        await h.stop();
      }
      r.check(`${version}: the suite ran locally`, loc.results.size > 0, loc.tail);
      r.check(`${version}: the suite ran through Lambda`, lam.results.size > 0, lam.tail);
      const passedLocally = [...loc.results].filter(([, ok]) => ok).map(([n]) => n);
      const regressions = passedLocally.filter((n) => lam.results.get(n) !== true);
      r.eq(`${version}: scenarios passing locally but not through Lambda`, regressions, []);
      const extra = [...lam.results].filter(([n, ok]) => ok && loc.results.get(n) !== true);
      if (extra.length) process.stdout.write(`# ${version}: pass only through Lambda: ${extra}\n`);
      if (version !== '2026-07-28') {
        r.eq(`${version}: core scenarios pass through Lambda`,
          CORE.filter((n) => lam.results.get(n) !== true), []);
      }
      process.stdout.write(`# ${version}: ${passedLocally.length} scenarios pass locally, ` +
        `${[...lam.results.values()].filter(Boolean).length} through Lambda, of ` +
        `${lam.results.size}\n`);
      r.check(`${version}: one runtime process served the suite`,
        st && st.starts === 1 && st.exits.length === 0, st && { starts: st.starts, exits: st.exits });
      r.check(`${version}: no invocation failed at the Lambda level`,
        st && st.invocations.length > 0 && st.invocations.every((i) => i.result === 'response'),
        st && st.invocations.filter((i) => i.result !== 'response').slice(0, 3));
    }, 900000);
  }
} catch (e) {
  r.check('test ran to the end', false, e && e.stack ? e.stack : e);
} finally {
  if (r.failed === 0) rmSync(tmp, { recursive: true, force: true });
  else process.stdout.write(`# output kept in ${tmp}\n`);
  r.summary();
}
