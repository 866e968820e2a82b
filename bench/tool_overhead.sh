#!/usr/bin/env bash
# run_aws_cli overhead: the same AWS CLI v2 command (`logs describe-log-groups` against a local
# moto) run directly and through one long-lived `awscli-mcp stdio` server, interleaved in one
# run, RUNS times each (default 15). Reports:
#   direct      wall time of fork+exec+wait of /usr/bin/aws from the driver (Python subprocess)
#   via tool    wall time of one tools/call round trip over stdio (write request, read reply)
#   overhead A  median(via tool) - median(direct): what a client notices; the CLI's own
#               run-to-run spread (tens of ms) is much larger than the overhead, so read B too
#   overhead B  median over calls of (round trip - durationMs the tool measured around the
#               child): the time the server adds per call (JSON, argv/policy, env, fork, reply)
# and then the same with /bin/echo standing in for aws (at least 50 runs), where the program
# itself costs about a millisecond, so overhead A is measured without the CLI's noise.
# The direct runs get the same argv and the same environment the tool builds (scrubbed, private
# HOME, AWS_PAGER="", AWS_CLI_AUTO_PROMPT=off), so both sides make the CLI do the same work.
#
# Usage: bench/tool_overhead.sh [RUNS]
# Env:   AWSCLI_MCP_BIN (default build/awscli-mcp), AWS_CLI (default /usr/bin/aws)
# Needs moto_server and python3; moto is started on a free 127.0.0.1 port and stopped on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
runs=${1:-${RUNS:-15}}
bin=${AWSCLI_MCP_BIN:-$src/build/awscli-mcp}
aws=${AWS_CLI:-/usr/bin/aws}
state=$(mktemp -d)
cleanup() {
    bash "$src/tests/lib/moto.sh" stop "$state" || true
    rm -rf "$state"
}
trap cleanup EXIT

[ -x "$bin" ] || { echo "tool_overhead: $bin not built" >&2; exit 1; }
endpoint=$(bash "$src/tests/lib/moto.sh" start "$state" --no-seed)
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    "$aws" --endpoint-url "$endpoint" logs create-log-group --log-group-name /aws/lambda/my-function

python3 - "$bin" "$aws" "$endpoint" "$runs" <<'EOF'
import json, os, statistics, subprocess, sys, tempfile, time

bin_, aws, endpoint, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
command = "logs describe-log-groups"
home = tempfile.mkdtemp(prefix="bench-home-")
base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
for k in ("LANG", "LC_ALL", "TZ"):
    if k in os.environ:
        base[k] = os.environ[k]
med = statistics.median


def phase(program, expect, runs):
    direct_env = dict(base, HOME=home, AWS_PAGER="", AWS_CLI_AUTO_PROMPT="off")
    direct_argv = [program] + command.split() + ["--no-cli-pager", "--output", "json",
                                                 "--endpoint-url", endpoint]
    # --engine cli: this measures what the server adds around the CLI process.
    server_env = dict(base, AWSCLI_MCP_AWS_CLI=program, AWSCLI_MCP_ENDPOINT_URL=endpoint,
                      AWSCLI_MCP_ENGINE="cli", AWSCLI_MCP_LOG_LEVEL="warn", HOME=home)
    srv = subprocess.Popen([bin_, "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           env=server_env)

    def rpc(msg):
        srv.stdin.write((json.dumps(msg) + "\n").encode())
        srv.stdin.flush()
        if "id" not in msg:
            return None
        return json.loads(srv.stdout.readline())

    rpc({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "bench", "version": "1"}}})
    rpc({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def via_tool(i):
        t0 = time.perf_counter()
        rep = rpc({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                   "params": {"name": "run_aws_cli", "arguments": {"command": command}}})
        ms = (time.perf_counter() - t0) * 1000
        res = rep["result"]
        assert not res["isError"], res
        assert expect in res["structuredContent"]["stdout"], res
        return ms, res["structuredContent"]["durationMs"]

    def direct():
        t0 = time.perf_counter()
        out = subprocess.run(direct_argv, env=direct_env, stdin=subprocess.DEVNULL,
                             capture_output=True, check=True)
        ms = (time.perf_counter() - t0) * 1000
        assert expect.encode() in out.stdout
        return ms

    # One warm-up of each (page cache, moto's first request), then interleaved pairs.
    direct(); via_tool(1)
    d, t, inner = [], [], []
    for i in range(runs):
        d.append(direct())
        ms, child = via_tool(100 + i)
        t.append(ms)
        inner.append(ms - child)
    srv.stdin.close()
    srv.wait(timeout=10)

    print(f"program:      {program} {command} ... (moto on 127.0.0.1), {runs} runs each, "
          f"interleaved")
    print(f"direct:       median {med(d):8.2f} ms  (min {min(d):.2f}, max {max(d):.2f})")
    print(f"via tool:     median {med(t):8.2f} ms  (min {min(t):.2f}, max {max(t):.2f})")
    print(f"child (tool): median {med([a - b for a, b in zip(t, inner)]):8.2f} ms  "
          f"(durationMs, fork to reap, measured by the tool)")
    print(f"overhead A:   {med(t) - med(d):+8.2f} ms  (median via tool - median direct)")
    print(f"overhead B:   {med(inner):8.2f} ms  (median of round trip - child durationMs; "
          f"min {min(inner):.2f}, max {max(inner):.2f})")
    print()


phase(aws, "/aws/lambda/my-function", runs)
# The same with /bin/echo as the "aws" program: the CLI's run-to-run spread (hundreds of ms on
# a busy machine) hides a few ms, so this isolates what the server adds around any program.
phase("/bin/echo", "describe-log-groups", max(runs, 50))
EOF
