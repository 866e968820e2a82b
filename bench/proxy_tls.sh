#!/usr/bin/env bash
# `awscli-mcp proxy` over https: from exec to exit, having forwarded one `initialize` (read
# from stdin, signed, sent over a new TLS connection, the reply printed), against a loopback
# TLS server whose certificate comes from a CA made here with the openssl CLI (trusted through
# AWS_CA_BUNDLE, as a private CA would be). Timed with hyperfine (through sh for the `<`
# redirection; hyperfine measures and subtracts the shell's own start-up), beside
# `awscli-mcp --version` (the process alone) and, when BENCH_OTHER_BIN is set, another build.
# What the figures leave out: a real endpoint's network round trips (two for TCP and TLS 1.3,
# one for the request) and its own time.
#
# Usage: bench/proxy_tls.sh     (AWSCLI_MCP_BIN, BENCH_OTHER_BIN, BENCH_RUNS: default 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
bin=${AWSCLI_MCP_BIN:-$src/build/awscli-mcp}
other=${BENCH_OTHER_BIN:-}
runs=${BENCH_RUNS:-100}
for t in hyperfine openssl python3; do
    command -v "$t" >/dev/null || { echo "proxy_tls: $t is missing (scripts/install-deps)" >&2; exit 1; }
done
tmp=$(mktemp -d)
srv=
cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >ext.cnf
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' >init.json

# A TLS server that answers every POST with a fixed initialize result, one thread per
# connection; it prints its port, then serves until killed.
python3 - >port <<'EOF' &
import json, socket, ssl, sys, threading
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("srv.pem", "srv.key")
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
body = json.dumps({"jsonrpc": "2.0", "id": 0, "result": {"protocolVersion": "2025-06-18",
                   "capabilities": {}, "serverInfo": {"name": "bench", "version": "1"}}}).encode()

def conn(raw):
    # Without TCP_NODELAY, Nagle holds the server's second TLS 1.3 session ticket until the
    # client's delayed ACK (40 ms): real endpoints do not behave so.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        c = ctx.wrap_socket(raw, server_side=True)
        f = c.makefile("rb")
        while True:
            line = f.readline()
            if not line:
                return
            n = 0
            while True:
                h = f.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode().partition(":")
                if k.strip().lower() == "content-length":
                    n = int(v)
            f.read(n)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d"
                      b"\r\n\r\n" % len(body) + body)
    except (OSError, ssl.SSLError):
        pass
    finally:
        raw.close()

while True:
    c, _ = s.accept()
    threading.Thread(target=conn, args=(c,), daemon=True).start()
EOF
srv=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
port=$(cat port)
url="https://localhost:$port/mcp"
export AWS_CA_BUNDLE=$tmp/ca.pem AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench \
    AWS_EC2_METADATA_DISABLED=true
# One run first, to show that the reply comes back (hyperfine hides the output).
"$bin" proxy --url "$url" --region us-east-1 --log-level error <init.json | head -c 120
echo
echo
cmds=("$bin proxy --url $url --region us-east-1 --log-level error <init.json")
[ -n "$other" ] && cmds+=("$other proxy --url $url --region us-east-1 --log-level error <init.json")
hyperfine -w 5 -r "$runs" --export-markdown md "${cmds[@]}" "$bin --version" >/dev/null
sed "s|$tmp/||g; s|$port|PORT|g" md
