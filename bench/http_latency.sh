#!/usr/bin/env bash
# tools/list latency over Streamable HTTP at 1 and 16 concurrent connections (wrk, keep-alive,
# one POST per request), and idle / peak RSS, for awscli-mcp and for
# @modelcontextprotocol/server-everything (streamableHttp, with a session) in the same run.
#
# Usage: bench/http_latency.sh [SECONDS]     (default $BENCH_SECONDS or 10 s per level)
# Env:   AWSCLI_MCP_BIN (default build/awscli-mcp), NODE_DIR (default tests/node)
# Both servers are bound to 127.0.0.1 on free ports and stopped on exit. wrk is written in C
# and is the same client for both, so its own overhead is small and identical on both sides.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
secs=${1:-${BENCH_SECONDS:-10}}
bin=${AWSCLI_MCP_BIN:-$src/build/awscli-mcp}
node_dir=${NODE_DIR:-$src/tests/node}
node=$node_dir/node_modules/.bin/node
everything=$node_dir/node_modules/@modelcontextprotocol/server-everything/dist/index.js
lua=$here/http_latency_tools_list.lua
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

for t in wrk curl python3; do
    command -v $t >/dev/null || { echo "http_latency: $t is required" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "http_latency: $bin not built (run make)" >&2; exit 1; }

free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
wait_port() {
    for _ in $(seq 1 200); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "http_latency: nothing listening on port $1" >&2
    return 1
}
kib() { awk -v k="$2:" '$1 == k {print $2}' /proc/"$1"/status; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# wrk at concurrency $2 against URL $1; prints "p50_ms p99_ms req_per_s non2xx[(socket errors)]".
load() {
    local url=$1 conns=$2 threads=1 out
    [ "$conns" -gt 1 ] && threads=2
    out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$lua" "$url")
    echo "$out" >>"$tmp/wrk.log"
    echo "$out" | python3 "$tmp/parse.py"
}
cat >"$tmp/parse.py" <<'EOF'
import re, sys
t = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
err = re.search(r"Socket errors: (.*)", t)
extra = "(" + err.group(1).replace(" ", "") + ")" if err else ""
print("%.3f %.3f %.0f %d%s" % (ms(p["50"]), ms(p["99"]), rps, int(bad.group(1)) if bad else 0, extra))
EOF

row() { # name pid url
    local name=$1 pid=$2 url=$3 idle anon peak one sixteen
    sleep 0.5
    idle=$(kib "$pid" VmRSS)
    anon=$(kib "$pid" RssAnon)
    one=$(load "$url" 1)
    sixteen=$(load "$url" 16)
    peak=$(kib "$pid" VmHWM)
    read -r p50a p99a rpsa erra <<<"$one"
    read -r p50b p99b rpsb errb <<<"$sixteen"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s MiB (%s) | %s MiB | %s |\n' "$name" \
        "$p50a" "$p99a" "$rpsa" "$p50b" "$p99b" "$rpsb" "$(mib "$idle")" "$(mib "$anon")" \
        "$(mib "$peak")" "$erra / $errb"
}

hdr=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
list='{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}'

# awscli-mcp: stateless, no handshake needed.
port=$(free_port)
AWSCLI_MCP_LOG_LEVEL=error "$bin" serve --listen "127.0.0.1:$port" 2>"$tmp/ours.err" &
ours_pid=$!
pids+=("$ours_pid")
wait_port "$port"
ours_url="http://127.0.0.1:$port/mcp"
ours_bytes=$(curl -sS "${hdr[@]}" -H 'MCP-Protocol-Version: 2025-11-25' -d "$list" "$ours_url" | tee "$tmp/ours.json" | wc -c)
grep -q '"tools"' "$tmp/ours.json" || { echo "http_latency: awscli-mcp tools/list failed: $(cat "$tmp/ours.json")" >&2; exit 1; }
ours_tools=$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1]))["result"]["tools"]))' "$tmp/ours.json")

# server-everything: initialize to get a session, then tools/list within it.
eport=$(free_port)
PORT=$eport "$node" --import "$src/tests/lib/clients_localhost.mjs" "$everything" streamableHttp \
    >/dev/null 2>"$tmp/everything.err" &
ev_pid=$!
pids+=("$ev_pid")
wait_port "$eport"
ev_url="http://127.0.0.1:$eport/mcp"
init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
sid=$(curl -sS -D - -o /dev/null "${hdr[@]}" -d "$init" "$ev_url" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
[ -n "$sid" ] || { echo "http_latency: server-everything gave no session id" >&2; exit 1; }
curl -sS -o /dev/null "${hdr[@]}" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$ev_url"
ev_bytes=$(curl -sS "${hdr[@]}" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25' \
    -d "$list" "$ev_url" | tee "$tmp/ev.txt" | wc -c)
grep -q '"tools"' "$tmp/ev.txt" || { echo "http_latency: server-everything tools/list failed" >&2; exit 1; }
ev_tools=$(python3 -c '
import json,sys
t=open(sys.argv[1]).read()
d=[l[5:].strip() for l in t.splitlines() if l.startswith("data:") and "result" in l]
print(len(json.loads(d[0] if d else t)["result"]["tools"]))' "$tmp/ev.txt")

echo "tools/list over Streamable HTTP, wrk ${secs} s per level (1 connection: -t1 -c1; 16: -t2 -c16):"
echo
echo "| server | p50 ms (1 conn) | p99 ms (1 conn) | req/s (1) | p50 ms (16 conns) | p99 ms (16 conns) | req/s (16) | idle RSS (anon) | peak RSS | non-2xx (1 / 16) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
row "awscli-mcp ($ours_tools tools, $ours_bytes B reply)" "$ours_pid" "$ours_url"
MCP_SESSION_ID=$sid row "server-everything ($ev_tools tools, $ev_bytes B SSE reply)" "$ev_pid" "$ev_url"
