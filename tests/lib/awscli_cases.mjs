// The run_aws_cli integration cases, shared by tests/integration/test_awscli_stdio.mjs and
// test_awscli_http.mjs: the real AWS CLI v2 (/usr/bin/aws) against a real moto_server seeded by
// tests/lib/moto.sh, driven by a real MCP client (@modelcontextprotocol/sdk Client). The caller
// supplies connect(env) for its transport; everything else is the same over stdio and HTTP.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { SOURCE_DIR, BUILD_DIR } from './clients_common.mjs';

export const AWSCLI_MCP_BIN = process.env.AWSCLI_MCP_BIN || path.join(BUILD_DIR, 'awscli-mcp');
export const AWS_CLI = '/usr/bin/aws';
const MOTO_SH = path.join(SOURCE_DIR, 'tests', 'lib', 'moto.sh');

// A secret value the audit log must never show.
export const SECRET = 'integration-secret-must-not-be-logged';

// Starts a seeded moto through tests/lib/moto.sh. Returns {endpoint, seed, stop}.
export function startMoto() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awscli-moto-'));
  const stop = () => {
    spawnSync('bash', [MOTO_SH, 'stop', dir], { stdio: 'ignore', timeout: 60000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // moto.sh bounds its own waits (start 120 s, seeding 300 s).
  const res = spawnSync('bash', [MOTO_SH, 'start', dir], { encoding: 'utf8', timeout: 600000 });
  if (res.status !== 0) {
    stop();
    throw new Error(`moto.sh start failed (${res.status}): ${res.stderr}`);
  }
  const seed = {};
  for (const line of readFileSync(path.join(dir, 'seed.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) seed[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/\\\$/g, '$');
  }
  return { endpoint: res.stdout.trim(), seed, stop };
}

// A TCP listener on 127.0.0.1 that accepts connections and never answers.
export async function startSilentListener() {
  const socks = new Set();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    // How many connections so far: a new one is the event "a CLI is running".
    accepted: () => accepted,
    stop: () => {
      for (const s of socks) s.destroy();
      server.close();
    },
  };
}

// The server's environment: the real CLI, the endpoint, dummy credentials.
export function serverEnv(endpoint, extra = {}) {
  return {
    AWSCLI_MCP_AWS_CLI: AWS_CLI,
    AWSCLI_MCP_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWSCLI_MCP_LOG_LEVEL: 'info',
    ...extra,
  };
}

function text(res) {
  return (res.content || []).map((c) => c.text || '').join('\n');
}

function parsed(res) {
  try {
    return JSON.parse(res.structuredContent.stdout);
  } catch (e) {
    return undefined;
  }
}

// Runs every case. connect(env) -> {client, close(), stderr()} for a server started with env.
// opts.cancel: also check that a client-side cancel stops the CLI (needs a transport that
// delivers notifications/cancelled to the running call, as stdio does).
export async function runCases(r, connect, label, opts = {}) {
  let moto;
  let main;
  try {
    await r.step(`${label}: moto started and seeded`, async () => {
      moto = startMoto();
      r.check(`${label}: moto endpoint`, /^http:\/\/127\.0\.0\.1:\d+$/.test(moto.endpoint), moto.endpoint);
    }, 300000);
    if (!moto) return;
    const seed = moto.seed;
    main = await connect(serverEnv(moto.endpoint));
    const client = main.client;
    const call = (command) => client.callTool({ name: 'run_aws_cli', arguments: { command } });

    await r.step(`${label}: tools/list`, async () => {
      const { tools } = await client.listTools();
      const t = tools.find((x) => x.name === 'run_aws_cli');
      r.check(`${label}: run_aws_cli listed`, !!t, tools.map((x) => x.name));
      r.eq(`${label}: input schema`, t.inputSchema.required, ['command']);
      r.eq(`${label}: no extra properties`, t.inputSchema.additionalProperties, false);
      r.eq(`${label}: outputSchema fields`, Object.keys(t.outputSchema.properties).sort(),
        ['durationMs', 'engine', 'exitCode', 'stderr', 'stdout', 'truncated']);
      r.eq(`${label}: readOnlyHint`, t.annotations.readOnlyHint, true);
      r.eq(`${label}: openWorldHint`, t.annotations.openWorldHint, true);
      r.check(`${label}: description teaches the rules`,
        /MILLISECONDS/.test(t.description) && /--query/.test(t.description), t.description);
    });

    await r.step(`${label}: logs describe-log-groups`, async () => {
      const res = await call('aws logs describe-log-groups');
      r.eq(`${label}: describe-log-groups isError`, res.isError, false);
      r.eq(`${label}: describe-log-groups exitCode`, res.structuredContent.exitCode, 0);
      const names = (parsed(res)?.logGroups || []).map((g) => g.logGroupName).sort();
      r.eq(`${label}: describe-log-groups names`, names, seed.SEED_LOG_GROUPS.split(' ').sort());
      r.eq(`${label}: text is stdout`, res.content[0].text, res.structuredContent.stdout);
      r.check(`${label}: durationMs`, Number.isInteger(res.structuredContent.durationMs) &&
        res.structuredContent.durationMs >= 0, res.structuredContent);
      r.check(`${label}: engine named`, ['native', 'cli'].includes(res.structuredContent.engine),
        res.structuredContent);
    });

    await r.step(`${label}: logs filter-log-events`, async () => {
      const res = await call(
        `logs filter-log-events --log-group-name ${seed.SEED_LOG_GROUP} --limit 10`);
      r.eq(`${label}: filter-log-events isError`, res.isError, false);
      const msgs = (parsed(res)?.events || []).map((e) => e.message);
      r.eq(`${label}: filter-log-events count`, msgs.length, 5);
      r.check(`${label}: filter-log-events has the ERROR event`,
        msgs.includes(seed.SEED_ERROR_MESSAGE), msgs);
    });

    await r.step(`${label}: filter-log-events with a quoted pattern and epoch-ms window`, async () => {
      const res = await call(
        `logs filter-log-events --log-group-name '${seed.SEED_LOG_GROUP}' --start-time ` +
          `${Number(seed.SEED_NOW_MS) - 3600000} --filter-pattern "ERROR" ` +
          `--query 'events[].message'`);
      r.eq(`${label}: filtered messages`, parsed(res), [seed.SEED_ERROR_MESSAGE]);
    });

    await r.step(`${label}: cloudwatch list-metrics`, async () => {
      const res = await call('cloudwatch list-metrics --namespace AWS/Lambda');
      r.eq(`${label}: list-metrics isError`, res.isError, false);
      const metrics = parsed(res)?.Metrics || [];
      r.eq(`${label}: list-metrics names`, [...new Set(metrics.map((m) => m.MetricName))].sort(),
        ['Duration', 'Errors', 'Invocations']);
      r.check(`${label}: list-metrics dimension`, metrics.every((m) =>
        m.Dimensions.some((d) => d.Name === 'FunctionName' && d.Value === seed.SEED_FUNCTION)),
      metrics);
    });

    await r.step(`${label}: cloudwatch describe-alarms`, async () => {
      const res = await call('cloudwatch describe-alarms');
      r.eq(`${label}: describe-alarms isError`, res.isError, false);
      const alarms = parsed(res)?.MetricAlarms || [];
      r.eq(`${label}: alarm names`, alarms.map((a) => a.AlarmName), [seed.SEED_ALARM]);
      r.eq(`${label}: alarm metric`, alarms[0]?.MetricName, 'Errors');
    });

    await r.step(`${label}: cloudwatch get-metric-data`, async () => {
      const now = Number(seed.SEED_NOW_S);
      const q = JSON.stringify([{ Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/Lambda',
        MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: seed.SEED_FUNCTION }] },
      Period: 60, Stat: 'Sum' } }]);
      const res = await call(`cloudwatch get-metric-data --metric-data-queries '${q}' ` +
        `--start-time ${now - 3600} --end-time ${now + 600}`);
      r.eq(`${label}: get-metric-data isError`, res.isError, false);
      const result = parsed(res)?.MetricDataResults?.[0];
      r.eq(`${label}: get-metric-data id`, result?.Id, 'errors');
      r.eq(`${label}: get-metric-data values`, result?.Values, [3]);
    });

    await r.step(`${label}: logs start-query + get-query-results`, async () => {
      const now = Number(seed.SEED_NOW_S);
      const start = await call(`logs start-query --log-group-name ${seed.SEED_LOG_GROUP} ` +
        `--start-time ${now - 3600} --end-time ${now + 600} ` +
        `--query-string 'fields @timestamp, @message | sort @timestamp desc | limit 20'`);
      r.eq(`${label}: start-query isError`, start.isError, false);
      const id = parsed(start)?.queryId;
      r.check(`${label}: start-query id`, typeof id === 'string' && id.length > 0, start);
      let results;
      for (let i = 0; i < 5; i++) {
        const res = await call(`logs get-query-results --query-id ${id}`);
        results = parsed(res);
        if (results?.status === 'Complete') break;
        await new Promise((ok) => setTimeout(ok, 500));
      }
      r.eq(`${label}: get-query-results status`, results?.status, 'Complete');
      const msgs = (results?.results || []).map((row) =>
        (row.find((f) => f.field === '@message') || {}).value);
      r.check(`${label}: get-query-results has the seeded events`,
        msgs.length === 5 && msgs.includes(seed.SEED_ERROR_MESSAGE), msgs);
    });

    await r.step(`${label}: refused commands`, async () => {
      let res = await call(`logs delete-log-group --log-group-name ${seed.SEED_LOG_GROUP}`);
      r.eq(`${label}: delete refused isError`, res.isError, true);
      r.check(`${label}: delete refused message`, /Refused/.test(text(res)) &&
        /delete-log-group/.test(text(res)), text(res));
      res = await call('logs describe-log-groups | head -1');
      r.eq(`${label}: pipe refused isError`, res.isError, true);
      r.check(`${label}: pipe refusal names --query`, /--query/.test(text(res)), text(res));
      res = await call('logs describe-log-groups --endpoint-url http://169.254.169.254');
      r.eq(`${label}: --endpoint-url refused`, res.isError, true);
      // The group survived the refused delete.
      res = await call(`logs describe-log-groups --log-group-name-prefix ${seed.SEED_LOG_GROUP}` +
        ` --query 'logGroups[].logGroupName'`);
      r.eq(`${label}: group still there`, parsed(res), [seed.SEED_LOG_GROUP]);
    });

    await r.step(`${label}: invalid arguments`, async () => {
      // Up to 2025-06-18 a JSON-RPC error, from 2025-11-25 an isError result: either way the
      // message names the problem.
      let msg;
      try {
        const res = await client.callTool({ name: 'run_aws_cli', arguments: { cmd: 'x' } });
        msg = res.isError ? text(res) : 'accepted';
      } catch (e) {
        msg = String(e.message);
      }
      r.check(`${label}: unknown argument rejected`, /unknown argument 'cmd'/.test(msg), msg);
    });

    await r.step(`${label}: failing command`, async () => {
      const res = await call('logs filter-log-events --log-group-name /aws/lambda/does-not-exist');
      r.eq(`${label}: failing isError`, res.isError, true);
      r.check(`${label}: failing shows the CLI's message`,
        /ResourceNotFoundException/.test(text(res)), text(res));
      r.check(`${label}: failing exit code`, res.structuredContent?.exitCode > 0, res.structuredContent);
    });

    await r.step(`${label}: audit log`, async () => {
      const lines = main.stderr().split('\n').filter((l) => l.includes('"audit"'));
      const audits = lines.map((l) => { try { return JSON.parse(l); } catch (e) { return {}; } });
      const desc = audits.find((a) => (a.argv || a.words || []).includes('describe-log-groups'));
      r.check(`${label}: audit lines written`, audits.length >= 10, audits.length);
      // The CLI's call lists its argv as run; a native call (no process) the words it ran.
      if (desc?.engine === 'cli') {
        r.eq(`${label}: audit argv as run`, desc?.argv,
          [AWS_CLI, 'logs', 'describe-log-groups', '--no-cli-pager', '--output', 'json',
            '--endpoint-url', moto.endpoint]);
      } else {
        r.eq(`${label}: audit engine`, desc?.engine, 'native');
        r.eq(`${label}: audit words as run`, desc?.words, ['logs', 'describe-log-groups']);
        r.eq(`${label}: no argv for a native call`, desc?.argv, undefined);
      }
      r.check(`${label}: audit outcome refused`, audits.some((a) => a.outcome === 'refused'));
      r.check(`${label}: audit has no secret`, !main.stderr().includes(SECRET));
    }, 10000);
  } finally {
    if (main) await main.close();
  }

  // Output over the cap: a server with the smallest cap (1 KiB).
  let capped;
  try {
    await r.step(`${label}: output over the cap`, async () => {
      capped = await connect(serverEnv(moto.endpoint, { AWSCLI_MCP_MAX_OUTPUT_BYTES: '1024' }));
      const res = await capped.client.callTool({ name: 'run_aws_cli',
        arguments: { command: `logs filter-log-events --log-group-name ${moto.seed.SEED_LOG_GROUP}` } });
      r.eq(`${label}: capped isError`, res.isError, false);
      r.eq(`${label}: capped truncated`, res.structuredContent.truncated, true);
      r.eq(`${label}: capped stdout length`, Buffer.byteLength(res.structuredContent.stdout), 1024);
      const note = res.content[1]?.text || '';
      r.check(`${label}: truncation note`, /were dropped/.test(note) && /--query/.test(note), note);
    });
  } finally {
    if (capped) await capped.close();
  }

  // A timeout: the endpoint accepts connections and never answers.
  let silent;
  let slow;
  let held;
  try {
    await r.step(`${label}: timeout`, async () => {
      silent = await startSilentListener();
      slow = await connect(serverEnv(`http://127.0.0.1:${silent.port}`,
        { AWSCLI_MCP_TIMEOUT_S: '2' }));
      const t0 = Date.now();
      const res = await slow.client.callTool({ name: 'run_aws_cli',
        arguments: { command: 'logs describe-log-groups' } });
      const ms = Date.now() - t0;
      r.eq(`${label}: timeout isError`, res.isError, true);
      r.check(`${label}: timeout message`, /did not finish within 2 s/.test(text(res)), text(res));
      r.check(`${label}: not answered before the timeout (${ms} ms)`, ms >= 1900, ms);
      r.check(`${label}: timeout exit code is a signal`, res.structuredContent.exitCode > 128,
        res.structuredContent);
    }, 90000);
    if (opts.cancel && slow) {
      // The client gives up once the CLI is connected to the silent port: the SDK sends
      // notifications/cancelled and the server must kill the CLI, which only that can end (the
      // limit is 300 s here, so however loaded the machine, the outcome tells which happened).
      await r.step(`${label}: cancellation`, async () => {
        held = await connect(serverEnv(`http://127.0.0.1:${silent.port}`,
          { AWSCLI_MCP_TIMEOUT_S: '300' }));
        const ac = new AbortController();
        const before = silent.accepted();
        const poll = setInterval(() => { if (silent.accepted() > before) ac.abort(); }, 50);
        let aborted = false;
        try {
          await held.client.callTool({ name: 'run_aws_cli',
            arguments: { command: 'logs describe-log-groups --limit 1' } }, undefined,
          { signal: ac.signal, timeout: 300000 });
        } catch (e) {
          aborted = ac.signal.aborted;
        }
        clearInterval(poll);
        const t0 = Date.now();
        r.check(`${label}: call aborted on the client`, aborted);
        let line;
        while (!line && Date.now() - t0 < 60000) {
          line = held.stderr().split('\n').find((l) => l.includes('"audit"') &&
            l.includes('"--limit"'));
          if (!line) await new Promise((ok) => setTimeout(ok, 50));
        }
        const a = line ? JSON.parse(line) : {};
        r.eq(`${label}: audit outcome cancelled`, a.outcome, 'cancelled');
      }, 180000);
    }
  } finally {
    if (slow) await slow.close();
    if (held) await held.close();
    if (silent) silent.stop();
    moto.stop();
  }
}
