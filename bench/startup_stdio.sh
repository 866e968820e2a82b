#!/usr/bin/env bash
# Start-up over stdio: wall time from spawning the server process to reading its reply to
# `initialize` on stdout, for awscli-mcp and for @modelcontextprotocol/server-everything, in
# the same run; plus the idle RSS of each right after that reply.
#
# Usage: bench/startup_stdio.sh [RUNS]      (default $BENCH_RUNS or 50 runs per server)
# Env:   AWSCLI_MCP_BIN (default build/awscli-mcp), NODE_DIR (default tests/node)
# Prints a Markdown table. The timer is Python's perf_counter_ns around subprocess.Popen and
# the first stdout line, so the harness's own cost (fork+exec) is the same for both servers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
runs=${1:-${BENCH_RUNS:-50}}
bin=${AWSCLI_MCP_BIN:-$src/build/awscli-mcp}
node_dir=${NODE_DIR:-$src/tests/node}
node=$node_dir/node_modules/.bin/node
everything=$node_dir/node_modules/@modelcontextprotocol/server-everything/dist/index.js

[ -x "$bin" ] || { echo "startup_stdio: $bin not built (run make)" >&2; exit 1; }
[ -f "$everything" ] || { echo "startup_stdio: server-everything not installed in $node_dir" >&2; exit 1; }

python3 - "$runs" "$bin" "$node" "$everything" <<'EOF'
import json, os, statistics, subprocess, sys, time

runs = int(sys.argv[1])
ours = [sys.argv[2], "stdio"]
everything = [sys.argv[3], sys.argv[4], "stdio"]
init = (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {},
    "clientInfo": {"name": "bench", "version": "1"}}}) + "\n").encode()

def rss_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0

def once(cmd, measure_rss=False):
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env={**os.environ, "AWSCLI_MCP_LOG_LEVEL": "error"})
    p.stdin.write(init)
    p.stdin.flush()
    line = p.stdout.readline()
    t1 = time.perf_counter_ns()
    reply = json.loads(line)
    assert reply.get("id") == 1 and "result" in reply, line
    rss = None
    if measure_rss:
        time.sleep(0.3)  # let it settle: idle after the handshake
        rss = (rss_kib(p.pid, "VmRSS"), rss_kib(p.pid, "RssAnon"))
    p.stdin.close()
    p.wait(timeout=10)
    return (t1 - t0) / 1e6, rss

def series(cmd):
    once(cmd)  # warm the page cache
    times = sorted(once(cmd)[0] for _ in range(runs))
    _, rss = once(cmd, measure_rss=True)
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    return statistics.median(times), p99, times[0], rss

rows = [("awscli-mcp", series(ours)), ("server-everything (Node)", series(everything))]
print(f"Start-up over stdio, spawn to `initialize` reply, {runs} runs each:\n")
print("| server | median ms | p99 ms | min ms | idle RSS after initialize (anon) |")
print("|---|---:|---:|---:|---:|")
for name, (med, p99, mn, rss) in rows:
    print(f"| {name} | {med:.2f} | {p99:.2f} | {mn:.2f} | {rss[0] / 1024:.1f} MiB ({rss[1] / 1024:.1f}) |")
EOF
