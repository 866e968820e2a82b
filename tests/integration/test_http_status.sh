#!/usr/bin/env bash
# ctest-timeout: 400
# Raw HTTP against the real `awscli-mcp serve`: every status code of docs/http.md with curl,
# the 2026-07-28 header rules, Origin and Host, bearer token, bad input, slow clients,
# concurrency (a slow real AWS CLI call does not block ping), port in use, clean shutdown.
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u

BIN=${AWSCLI_MCP_BIN:?AWSCLI_MCP_BIN is not set}
AWS=/usr/bin/aws
TMP=$(mktemp -d)
PIDS=()
pass=0
fail=0

cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    if [ -n "${KEEP_LOGS:-}" ]; then cp "$TMP"/*.log "$KEEP_LOGS"/ 2>/dev/null; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}
# check_has NAME NEEDLE HAYSTACK
check_has() {
    case "$3" in *"$2"*) ok ;; *) bad "$1: '$2' not in: ${3:0:300}" ;; esac
}

# Starts a server: start_server NAME PORT [ARGS...]; waits for its "listening" line; LAST_PID.
start_server() {
    local name=$1 port=$2
    shift 2
    "$BIN" serve --listen "127.0.0.1:$port" --aws-cli "$AWS" "$@" 2>"$TMP/$name.log" &
    local pid=$!
    PIDS+=("$pid")
    LAST_PID=$pid
    for _ in $(seq 1 600); do
        grep -q '"listening"' "$TMP/$name.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server $name did not start:"
    cat "$TMP/$name.log"
    exit 1
}

PORT=$(free_port)
URL="http://127.0.0.1:$PORT/mcp"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
# A TCP listener that never answers: the real AWS CLI then waits until the tool's deadline.
# It appends a line to $TMP/accepts for each connection: the event "the CLI is running".
BLACKHOLE_PORT=$(free_port)
python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $BLACKHOLE_PORT)); s.listen(64); held = []
while True:
    held.append(s.accept()[0])
    with open('$TMP/accepts', 'a') as f: f.write('accepted\\n')" &
PIDS+=($!)
: >"$TMP/accepts"
# wait_accepts N: waits (up to 120 s: starting the CLI takes seconds on a loaded machine) until
# the CLI has connected to the blackhole N times in all; non-zero if it has not.
wait_accepts() {
    for _ in $(seq 1 1200); do
        [ "$(wc -l <"$TMP/accepts")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# The tool's deadline (--timeout 300) is never reached: the slow calls below are in flight until
# the test itself ends them (starting the CLI alone takes 20 s at load 25), and nothing is timed.
start_server main "$PORT" --max-body-bytes 4096 --timeout 300 \
    --endpoint-url "http://127.0.0.1:$BLACKHOLE_PORT" \
    --allowed-origins "https://app.example.com"
MAIN_PID=$LAST_PID

J='Content-Type: application/json'
A='Accept: application/json, text/event-stream'
PING='{"jsonrpc":"2.0","id":7,"method":"ping"}'
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'

# req [curl args...] -> sets STATUS, BODY, HEADERS
req() {
    STATUS=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 15 "$@")
    BODY=$(cat "$TMP/body")
    HEADERS=$(tr -d '\r' <"$TMP/headers")
}
code() { jq -r '.error.code // empty' <<<"$BODY" 2>/dev/null; }

# --- 200 / 202 ---------------------------------------------------------------------------------
req "$URL" -H "$J" -H "$A" -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
check "initialize status" 200 "$STATUS"
check "initialize version" 2025-11-25 "$(jq -r .result.protocolVersion <<<"$BODY")"
check_has "initialize content-type" "Content-Type: application/json" "$HEADERS"
case "$HEADERS" in *[Mm]cp-[Ss]ession-[Ii]d*) bad "a session id was minted" ;; *) ok ;; esac
req "$URL" -H "$J" -H "$A" -H 'MCP-Protocol-Version: 2025-11-25' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
check "notification 202" 202 "$STATUS"
check "notification empty body" "" "$BODY"
req "$URL" -H "$J" -H "$A" -H 'MCP-Protocol-Version: 2025-11-25' -d '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
check "tools/list 200" 200 "$STATUS"
check "tools/list names run_aws_cli" run_aws_cli "$(jq -r '.result.tools[0].name' <<<"$BODY")"
req "http://127.0.0.1:$PORT/" -H "$J" -d "$PING"
check "POST / is the endpoint too" 200 "$STATUS"

# --- 404 / 405 ---------------------------------------------------------------------------------
req "http://127.0.0.1:$PORT/other" -H "$J" -d "$PING"
check "other path 404" 404 "$STATUS"
req -X GET "$URL" -H 'Accept: text/event-stream'
check "GET 405" 405 "$STATUS"
check_has "GET Allow" "Allow: POST" "$HEADERS"
req -X DELETE "$URL" -H 'Mcp-Session-Id: abc'
check "DELETE 405" 405 "$STATUS"
check_has "DELETE Allow" "Allow: POST" "$HEADERS"

# --- 415 / 406 / 413 ---------------------------------------------------------------------------
req "$URL" -H 'Content-Type: text/plain' -d "$PING"
check "text/plain 415" 415 "$STATUS"
req "$URL" -H 'Content-Type: application/json; charset=utf-8' -d "$PING"
check "charset parameter accepted" 200 "$STATUS"
req "$URL" -H "$J" -H 'Accept: text/event-stream' -d "$PING"
check "Accept without JSON 406" 406 "$STATUS"
req "$URL" -H "$J" -H 'Accept: */*' -d "$PING"
check "Accept */* 200" 200 "$STATUS"
head -c 5000 /dev/zero | tr '\0' ' ' >"$TMP/big"
req "$URL" -H "$J" --data-binary @"$TMP/big"
check "Content-Length over the cap 413" 413 "$STATUS"
req "$URL" -H "$J" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big"
check "chunked body over the cap 413" 413 "$STATUS"

# --- 400: JSON, protocol version ---------------------------------------------------------------
req "$URL" -H "$J" -d '{"jsonrpc":"2.0","id":1,'
check "malformed JSON 400" 400 "$STATUS"
check "malformed JSON -32700" -32700 "$(code)"
check "malformed JSON id null" null "$(jq -c .id <<<"$BODY")"
req "$URL" -H "$J" -H 'MCP-Protocol-Version: banana' -d "$PING"
check "invalid version header 400" 400 "$STATUS"
req "$URL" -H "$J" -H 'MCP-Protocol-Version: 2099-01-01' -d "$PING"
check "unsupported version 400" 400 "$STATUS"
check "unsupported version -32022" -32022 "$(code)"
check "-32022 data.requested" 2099-01-01 "$(jq -r .error.data.requested <<<"$BODY")"
check_has "-32022 data.supported" 2026-07-28 "$(jq -c .error.data.supported <<<"$BODY")"

# --- 2026-07-28 header rules -------------------------------------------------------------------
M='MCP-Protocol-Version: 2026-07-28'
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: tools/list' -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}"
check "modern tools/list 200" 200 "$STATUS"
check "modern resultType" complete "$(jq -r .result.resultType <<<"$BODY")"
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: prompts/list' -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}"
check "Mcp-Method mismatch 400" 400 "$STATUS"
check "Mcp-Method mismatch -32020" -32020 "$(code)"
req "$URL" -H "$J" -H "$A" -H "$M" -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}"
check "Mcp-Method missing -32020" -32020 "$(code)"
req "$URL" -H "$J" -H "$A" -H "$M" -H 'mcp-method: tools/list' -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}"
check "header name case-insensitive" 200 "$STATUS"
CALL="{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"run_aws_cli\",\"arguments\":{\"command\":\"configure list\"},$META}}"
B64=$(printf %s run_aws_cli | base64)
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: tools/call' -H "Mcp-Name: =?base64?$B64?=" -d "$CALL"
check "base64 Mcp-Name 200" 200 "$STATUS"
check "tool ran (policy refusal is a tool error)" true "$(jq -r .result.isError <<<"$BODY")"
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: wrong_tool_name' -d "$CALL"
check "Mcp-Name mismatch 400" 400 "$STATUS"
check "Mcp-Name mismatch -32020" -32020 "$(code)"
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: tools/call' -d "$CALL"
check "Mcp-Name missing -32020" -32020 "$(code)"
req "$URL" -H "$J" -H "$A" -H "$M" -H 'Mcp-Method: foo/bar' -d "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"foo/bar\",\"params\":{$META}}"
check "modern unknown method 404" 404 "$STATUS"
check "modern unknown method -32601" -32601 "$(code)"

# --- 403: Origin and Host ----------------------------------------------------------------------
req "$URL" -H "$J" -H 'Origin: http://evil.example.com' -d "$PING"
check "bad Origin 403" 403 "$STATUS"
check "403 body without id" null "$(jq -c .id <<<"$BODY")"
req "$URL" -H "$J" -H 'Origin: http://localhost:6274' -d "$PING"
check "localhost Origin 200" 200 "$STATUS"
check_has "CORS echo" "Access-Control-Allow-Origin: http://localhost:6274" "$HEADERS"
req "$URL" -H "$J" -H 'Origin: https://app.example.com' -d "$PING"
check "configured Origin 200" 200 "$STATUS"
req "$URL" -H "$J" -H 'Host: evil.example.com' -d "$PING"
check "rebinding Host 403" 403 "$STATUS"
req "$URL" -H "$J" -H "Host: localhost:$PORT" -d "$PING"
check "localhost Host 200" 200 "$STATUS"
req -X OPTIONS "$URL" -H 'Origin: http://localhost:6274' -H 'Access-Control-Request-Method: POST'
check "preflight 204" 204 "$STATUS"
check_has "preflight allow headers" "Mcp-Method" "$HEADERS"

# --- bad input never crashes; the next request works -------------------------------------------
printf '{"jsonrpc":"2.0","id":1,"method":"p\xff\xfe"}' >"$TMP/utf8"
req "$URL" -H "$J" --data-binary @"$TMP/utf8"
check "invalid UTF-8 -32700" -32700 "$(code)"
python3 -c 'print("["*3000)' >"$TMP/deep"
req "$URL" -H "$J" --data-binary @"$TMP/deep"
check "deep nesting 400" 400 "$STATUS"
req "$URL" -H "$J" -d '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}'
check "huge id 400" 400 "$STATUS"
req "$URL" -H "$J" -d '{"jsonrpc":"2.0","id":[1],"method":{"x":1},"params":"no"}'
check "wrong types -32600" -32600 "$(code)"
# Raw garbage, a truncated request and a slow-loris client on their own sockets.
python3 - "$PORT" <<'EOF'
import socket, sys
port = int(sys.argv[1])
for junk in [b"\x00\xff garbage\r\n\r\n", b"POST /mcp HTTP/1.1\r\nContent-Length: 100\r\n\r\n{",
             b"GET / HTTP/9.9\r\n\r\n", b"POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"]:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(junk)
    s.close()
EOF
exec 7<>/dev/tcp/127.0.0.1/"$PORT"
printf 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' >&7
req "$URL" -H "$J" -d "$PING"
check "still serving after garbage and with a slow-loris client" 200 "$STATUS"
exec 7>&-

# --- concurrency ---------------------------------------------------------------------------------
for i in $(seq 1 16); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$URL" -H "$J" -H 'MCP-Protocol-Version: 2025-11-25' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/list\"}" >"$TMP/par.$i" &
done
wait_list=$(jobs -p | grep -v -x -F "$(printf '%s\n' "${PIDS[@]}")" || true)
for p in $wait_list; do wait "$p"; done
check "16 parallel tools/list all 200" 16 "$(cat "$TMP"/par.* | grep -c '^200$')"

# A slow, real AWS CLI call (its endpoint never answers) on one connection must not delay ping
# on another: once the CLI is connected to the blackhole, ping is answered while the call's own
# reply has still not come (its curl is still running).
SLOW="{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":{\"name\":\"run_aws_cli\",\"arguments\":{\"command\":\"logs describe-log-groups\"}}}"
curl -s -o /dev/null --max-time 600 "$URL" -H "$J" -H 'MCP-Protocol-Version: 2025-11-25' -d "$SLOW" &
SLOW_PID=$!
if wait_accepts 1; then ok; else bad "the slow call's CLI never reached its endpoint"; fi
req "$URL" -H "$J" -d "$PING"
check "ping during a slow call" 200 "$STATUS"
if kill -0 "$SLOW_PID" 2>/dev/null; then ok; else bad "the slow call was answered before the ping"; fi

# The client gives up (closes its connection): that cancels its call; the outcome says it was
# cancelled, not ended by the deadline.
kill "$SLOW_PID"
wait "$SLOW_PID" 2>/dev/null
for _ in $(seq 1 600); do grep -q '"outcome":"cancelled"' "$TMP/main.log" && break; sleep 0.1; done
check_has "disconnect cancels the CLI call" '"outcome":"cancelled"' "$(cat "$TMP/main.log")"
cancel_line=$(grep '"http request"' "$TMP/main.log" | grep '"cancelled":true' | tail -1)
check_has "access line says cancelled" '"rpcMethod":"tools/call"' "$cancel_line"

# The deadline ends a call whose CLI never finishes (a server of its own with --timeout 2: the
# deadline fires however slowly the CLI starts).
SHORT_PORT=$(free_port)
start_server short "$SHORT_PORT" --timeout 2 --endpoint-url "http://127.0.0.1:$BLACKHOLE_PORT"
SHORT_PID=$LAST_PID
curl -s -o "$TMP/short" --max-time 300 "http://127.0.0.1:$SHORT_PORT/mcp" -H "$J" \
    -H 'MCP-Protocol-Version: 2025-11-25' -d "$SLOW"
check "deadline: call answered" 11 "$(jq -r .id "$TMP/short")"
check_has "deadline: ended by the timeout" "did not finish within 2 s" "$(cat "$TMP/short")"
kill "$SHORT_PID"

# --- access log: one line per request, no secrets ----------------------------------------------
check_has "access log line" '"message":"http request"' "$(cat "$TMP/main.log")"
check_has "access log rpcMethod" '"rpcMethod":"tools/list"' "$(cat "$TMP/main.log")"

# --- 401: bearer token -------------------------------------------------------------------------
APORT=$(free_port)
AWSCLI_MCP_AUTH_TOKEN=s3cret-token-0123456789 start_server auth "$APORT"
AURL="http://127.0.0.1:$APORT/mcp"
req "$AURL" -H "$J" -d "$PING"
check "no token 401" 401 "$STATUS"
check_has "WWW-Authenticate" 'WWW-Authenticate: Bearer realm="awscli-mcp"' "$HEADERS"
req "$AURL" -H "$J" -H 'Authorization: Bearer nope' -d "$PING"
check "wrong token 401" 401 "$STATUS"
req "$AURL" -H "$J" -H 'Authorization: Bearer s3cret-token-0123456789' -d "$PING"
check "right token 200" 200 "$STATUS"
case "$(cat "$TMP/auth.log")" in *s3cret*) bad "the token appears in the log" ;; *) ok ;; esac

# --- port in use -------------------------------------------------------------------------------
timeout 5 "$BIN" serve --listen "127.0.0.1:$APORT" --aws-cli "$AWS" 2>"$TMP/dup.log"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then ok; else bad "second server on a used port: exit $rc"; fi
check_has "port in use message" "Address already in use" "$(cat "$TMP/dup.log")"
# One ERROR line (docs/http.md); the INFO line before it says which engine answers calls.
check "port in use is one ERROR line" 1 "$(grep -c '"level":"ERROR"' "$TMP/dup.log")"
check "port in use: nothing but that and INFO lines" 0 "$(grep -vc '"level":"INFO"\|"level":"ERROR"' "$TMP/dup.log")"

# --- IPv6 literal ------------------------------------------------------------------------------
if python3 -c 'import socket;s=socket.socket(socket.AF_INET6);s.bind(("::1",0))' 2>/dev/null; then
    V6PORT=$(free_port)
    "$BIN" serve --listen "[::1]:$V6PORT" --aws-cli "$AWS" 2>"$TMP/v6.log" &
    V6PID=$!
    PIDS+=("$V6PID")
    for _ in $(seq 1 600); do grep -q listening "$TMP/v6.log" && break; sleep 0.1; done
    req -g "http://[::1]:$V6PORT/mcp" -H "$J" -d "$PING"
    check "IPv6 listen" 200 "$STATUS"
    kill "$V6PID"
fi

# --- clean shutdown: SIGTERM lets the in-flight call finish ------------------------------------
# (The short server's CLI was killed before its curl returned: no connection comes from it now.)
seen=$(wc -l <"$TMP/accepts")
curl -s -o "$TMP/inflight" --max-time 300 "$URL" -H "$J" -H 'MCP-Protocol-Version: 2025-11-25' -d "$SLOW" &
INFLIGHT=$!
if wait_accepts $((seen + 1)); then ok; else bad "the in-flight call's CLI never reached its endpoint"; fi
kill -TERM "$MAIN_PID"
wait "$INFLIGHT"
check "in-flight call answered during shutdown" 11 "$(jq -r .id "$TMP/inflight" 2>/dev/null)"
for _ in $(seq 1 600); do kill -0 "$MAIN_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$MAIN_PID" 2>/dev/null; then
    bad "server still running 60 s after SIGTERM"
else
    wait "$MAIN_PID"
    check "exit status after SIGTERM" 0 "$?"
fi
check_has "stopped line" '"message":"stopped"' "$(cat "$TMP/main.log")"
if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$TMP"/*.log; then
    bad "sanitizer report in the server log"
    grep -h -A5 'AddressSanitizer\|runtime error:' "$TMP"/*.log | head -40
else
    ok
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
