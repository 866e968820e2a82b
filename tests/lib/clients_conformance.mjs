// Runs the official MCP conformance suite's server scenarios against the conformance build over
// HTTP, and holds the result to a committed baseline of expected failures.
//
//   node tests/lib/clients_conformance.mjs [TAG...]    TAG: 0.1-2025-06-18, 0.1-2025-11-25,
//                                                       0.2-2026-07-28 (default: all three)
//
// For each TAG, a fresh `awscli-mcp-conformance serve` on a free loopback port, then the suite's
// own server scenarios for that revision, pending ones included
// (`conformance server --url URL --suite all --spec-version V`).
// A scenario fails if any of its checks is a FAILURE (the suite's own rule). Then:
//   - a failure not in tests/conformance/baseline-TAG.txt fails the test;
//   - a baseline entry that now passes fails the test too (the baseline stays honest);
//   - every baseline entry must carry a one-line reason;
//   - tests/conformance/lenient-TAG.txt lists scenarios that pass only because a check is
//     lenient: they are reported apart and not counted as passes (docs/conformance.md).
// Prints "N passed, N failed" (checks of this runner) and exits non-zero on failure.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CONFORMANCE_BIN,
  NODE_BIN,
  NODE_DIR,
  SOURCE_DIR,
  makeRunner,
  run,
  sanitizerReport,
  startHttpServer,
} from './clients_common.mjs';

const SUITES = {
  '0.1-2025-06-18': { pkg: 'conformance-0.1', version: '2025-06-18' },
  '0.1-2025-11-25': { pkg: 'conformance-0.1', version: '2025-11-25' },
  '0.2-2026-07-28': { pkg: 'conformance-0.2', version: '2026-07-28' },
};
const BASE_DIR = path.join(SOURCE_DIR, 'tests', 'conformance');

// "scenario reason..." per line; '#' starts a comment line.
function readList(file) {
  if (!existsSync(file)) return new Map();
  const m = new Map();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sp = line.search(/\s/);
    const name = sp < 0 ? line : line.slice(0, sp);
    m.set(name, sp < 0 ? '' : line.slice(sp).trim());
  }
  return m;
}

function findChecks(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...findChecks(p));
    else if (e === 'checks.json') out.push(p);
  }
  return out;
}

export async function runConformance(r, tag, { keep = false } = {}) {
  const suite = SUITES[tag];
  const cli = path.join(NODE_DIR, 'node_modules', suite.pkg, 'dist', 'index.js');
  const baseline = readList(path.join(BASE_DIR, `baseline-${tag}.txt`));
  const lenient = readList(path.join(BASE_DIR, `lenient-${tag}.txt`));
  const out = mkdtempSync(path.join(os.tmpdir(), `conformance-${tag}-`));
  const server = await startHttpServer(CONFORMANCE_BIN);
  let res;
  try {
    res = await run(NODE_BIN, [cli, 'server', '--url', server.url, '--suite', 'all', '--spec-version', suite.version,
      '-o', out], { timeoutMs: 600000, env: { PATH: `${path.dirname(NODE_BIN)}:${process.env.PATH}` } });
  } finally {
    await server.stop();
  }
  r.check(`${tag}: server did not crash`, server.child.exitCode === 0 || server.child.signalCode === 'SIGTERM' ||
    server.child.exitCode === null, { code: server.child.exitCode, signal: server.child.signalCode,
    stderr: server.stderr().slice(-500) });
  r.check(`${tag}: no sanitizer report from the server`, !sanitizerReport(server.stderr()),
    sanitizerReport(server.stderr()));

  // The suite's own summary: "✓ name: N passed, M failed" / "✗ ...".
  const results = new Map();
  for (const m of res.stdout.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/gmu)) {
    results.set(m[2], { pass: m[1] === '✓', passed: +m[3], failed: +m[4] });
  }
  if (!r.check(`${tag}: the suite ran and reported scenarios`, results.size > 0,
    `exit ${res.code}; ${res.stdout.slice(-800)} ${res.stderr.slice(-800)}`)) {
    rmSync(out, { recursive: true, force: true });
    return;
  }

  // Failed checks per scenario, from the suite's checks.json files, for the report.
  const failedChecks = new Map();
  for (const f of findChecks(out)) {
    let checks;
    try {
      checks = JSON.parse(readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    const rel = path.relative(out, path.dirname(f));
    const scen = [...results.keys()].sort((a, b) => b.length - a.length).find((s) => rel.includes(s));
    for (const c of checks) {
      if (c.status !== 'FAILURE') continue;
      const list = failedChecks.get(scen) || [];
      list.push(`${c.id}: ${(c.errorMessage || '').slice(0, 200)}`);
      failedChecks.set(scen, list);
    }
  }

  let pass = 0;
  let expected = 0;
  const lenientPasses = [];
  for (const [name, res1] of [...results].sort()) {
    const inBase = baseline.has(name);
    if (res1.pass) {
      if (lenient.has(name)) lenientPasses.push(name);
      else pass++;
      r.check(`${tag}: ${name} passes${inBase ? ' but is in the baseline (remove it)' : ''}`, !inBase,
        inBase ? `baseline says: ${baseline.get(name)}` : undefined);
    } else if (inBase) {
      expected++;
      r.check(`${tag}: ${name} fails as the baseline expects (${baseline.get(name)})`, true);
    } else {
      r.check(`${tag}: ${name} passes`, false, (failedChecks.get(name) || []).join(' | ') ||
        `${res1.failed} checks failed`);
    }
  }
  for (const [name, reason] of baseline) {
    r.check(`${tag}: baseline entry ${name} has a reason`, reason.length > 0);
    r.check(`${tag}: baseline entry ${name} was run`, results.has(name),
      'not among the scenarios this suite ran: remove it');
  }
  for (const name of lenient.keys()) {
    r.check(`${tag}: lenient entry ${name} was run`, results.has(name));
  }
  process.stdout.write(`## ${tag}: ${results.size} scenarios: ${pass} pass, ` +
    `${lenientPasses.length} pass only leniently (${lenientPasses.join(', ') || 'none'}), ` +
    `${expected} expected failures\n`);
  if (keep) process.stdout.write(`(results kept in ${out})\n`);
  else rmSync(out, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tags = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const keep = process.argv.includes('--keep');
  const r = makeRunner('MCP conformance suite against the conformance build (HTTP)');
  if (!existsSync(CONFORMANCE_BIN)) r.check('conformance build exists', false, CONFORMANCE_BIN);
  else for (const tag of tags.length ? tags : Object.keys(SUITES)) await runConformance(r, tag, { keep });
  r.summary();
}
