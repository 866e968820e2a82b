#!/usr/bin/env python3
"""What `awscli-mcp proxy` puts on the wire and passes back, against a scripted Streamable HTTP
server on 127.0.0.1 (the end-to-end path with real clients and botocore is test_proxy.mjs):
the SigV4 headers, MCP-Protocol-Version after initialize and from a modern _meta, Mcp-Method,
Mcp-Name (base64-wrapped when not ASCII), the session id the server sets, SSE replies (each
event one line, multi-line data joined), 202, batches, a modern 400 JSON-RPC error passed
through, a 401 with a null id turned into an error for the request, requests in flight
concurrently (a fast reply overtakes a slow one), and notifications/cancelled aborting the
request in flight with no reply.
"""

import base64
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(SOURCE_DIR, "build", "awscli-mcp"))
r = Runner("proxy: headers, SSE, statuses, concurrency and cancellation on the wire")
seen = []  # (method, headers) per request
aborted = threading.Event()


class Server(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body=None, ctype="application/json", extra=()):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        if isinstance(body, list):
            seen.append(("batch", hdrs))
            return self.send(200, [{"jsonrpc": "2.0", "id": m["id"], "result": {}} for m in body])
        method = body.get("method")
        seen.append((method, hdrs))
        rid = body.get("id")
        if method == "initialize":
            return self.send(200, {"jsonrpc": "2.0", "id": rid, "result": {
                "protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                "serverInfo": {"name": "fake", "version": "1"}}},
                extra=[("Mcp-Session-Id", "sess-1")])
        if method and method.startswith("notifications/"):
            return self.send(202)
        if method == "tools/call":
            result = json.dumps({"jsonrpc": "2.0", "id": rid, "result": {"content": []}}, indent=1)
            events = ('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress",'
                      '"params":{"progressToken":1,"progress":1}}\n\n'
                      + "".join("data: %s\n" % line for line in result.split("\n")) + "\n")
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(events.encode())))
            self.end_headers()
            self.wfile.write(events.encode())
            return
        if method == "bad/header":
            return self.send(400, {"jsonrpc": "2.0", "id": rid, "error": {
                "code": -32020, "message": "header mismatch"}})
        if method == "lost/id":
            return self.send(401, {"jsonrpc": "2.0", "id": None, "error": {
                "code": -32600, "message": "Unauthorized: who are you"}})
        if method == "slow":
            time.sleep(1.5)
        if method == "cancel-me":
            # Wait for the proxy to hang up (it aborts the request), up to 20 s.
            self.connection.settimeout(20)
            try:
                if self.connection.recv(1) == b"":
                    aborted.set()
            except OSError:
                aborted.set()
            return
        return self.send(200, {"jsonrpc": "2.0", "id": rid, "result": {"method": method}})


srv = ThreadingHTTPServer(("127.0.0.1", 0), Server)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/mcp" % srv.server_address[1]

env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIDWIRE",
       "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok",
       "AWS_EC2_METADATA_DISABLED": "true"}
p = subprocess.Popen([BIN, "proxy", "--url", url, "--region", "eu-west-3", "--log-level", "error"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
lines = []


def reader():
    for line in p.stdout:
        lines.append(line)


threading.Thread(target=reader, daemon=True).start()


def send(msg):
    p.stdin.write(json.dumps(msg, ensure_ascii=False) + "\n")
    p.stdin.flush()


def wait_for(pred, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for i, line in enumerate(lines):
            m = json.loads(line)
            if pred(m):
                return i, m
        time.sleep(0.02)
    return None, None


def by_id(i):
    return lambda m: isinstance(m, dict) and m.get("id") == i


def headers_of(method):
    return [h for m, h in seen if m == method]


send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
_, m = wait_for(by_id(1))
r.eq("initialize reply passed through", (m or {}).get("result", {}).get("protocolVersion"),
     "2025-06-18")
h = headers_of("initialize")[0]
r.check("signed: AWS4-HMAC-SHA256 for eu-west-3/lambda", h.get("authorization", "").startswith(
    "AWS4-HMAC-SHA256 Credential=AKIDWIRE/") and "/eu-west-3/lambda/aws4_request" in
    h.get("authorization", ""), h.get("authorization"))
r.eq("session token sent", h.get("x-amz-security-token"), "tok")
r.eq("Accept", h.get("accept"), "application/json, text/event-stream")
r.check("no version header before one is negotiated", "mcp-protocol-version" not in h, h)

send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
    "name": "run_aws_cli", "arguments": {}, "_meta": {"progressToken": 1}}})
i2, m2 = wait_for(by_id(2))
ip, mp = wait_for(lambda m: isinstance(m, dict) and m.get("method") == "notifications/progress")
r.check("SSE: the progress event and the result each arrive as one line, in order",
        m2 is not None and mp is not None and ip < i2, lines)
r.eq("SSE: multi-line data joined into the result", (m2 or {}).get("result"), {"content": []})
h = headers_of("tools/call")[0]
r.eq("after initialize: MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id",
     [h.get(k) for k in ("mcp-protocol-version", "mcp-method", "mcp-name", "mcp-session-id")],
     ["2025-06-18", "tools/call", "run_aws_cli", "sess-1"])
r.check("202 for the notification: nothing written", not any(
    "notifications/initialized" in line for line in lines), lines)

send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
    "name": "ünï", "arguments": {}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28"}}})
wait_for(by_id(3))
h = headers_of("tools/call")[1]
r.eq("modern _meta version wins", h.get("mcp-protocol-version"), "2026-07-28")
r.eq("a non-ASCII Mcp-Name is base64-wrapped", h.get("mcp-name"),
     "=?base64?%s?=" % base64.b64encode("ünï".encode()).decode())

send([{"jsonrpc": "2.0", "id": 4, "method": "ping"}, {"jsonrpc": "2.0", "id": 5, "method": "ping"}])
_, m = wait_for(lambda m: isinstance(m, list))
r.eq("a batch goes out as one POST and comes back as one line", [x["id"] for x in m or []], [4, 5])

send({"jsonrpc": "2.0", "id": 6, "method": "bad/header"})
_, m = wait_for(by_id(6))
r.eq("a modern 400 JSON-RPC error reaches the client as it is", (m or {}).get("error"),
     {"code": -32020, "message": "header mismatch"})
send({"jsonrpc": "2.0", "id": 7, "method": "lost/id"})
_, m = wait_for(by_id(7))
r.check("a 401 with a null id becomes an error for the request, in words",
        "refused the request (HTTP 401)" in json.dumps(m) and "who are you" in json.dumps(m), m)

send({"jsonrpc": "2.0", "id": 8, "method": "slow"})
time.sleep(0.2)
send({"jsonrpc": "2.0", "id": 9, "method": "fast"})
i8, _ = wait_for(by_id(8))
i9, _ = wait_for(by_id(9))
r.check("requests in flight concurrently: the fast reply overtakes the slow one",
        i8 is not None and i9 is not None and i9 < i8, (i8, i9))

send({"jsonrpc": "2.0", "id": 10, "method": "cancel-me"})
end = time.monotonic() + 10
while not headers_of("cancel-me") and time.monotonic() < end:
    time.sleep(0.02)
send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 10}})
r.check("notifications/cancelled aborts the request in flight", aborted.wait(15))
r.check("...and is forwarded", bool(headers_of("notifications/cancelled")))
p.stdin.close()
r.eq("the proxy exits 0 when stdin closes", p.wait(timeout=30), 0)
r.check("no reply for the cancelled request", wait_for(by_id(10), timeout=0.1)[1] is None, lines)
srv.shutdown()
sys.exit(r.summary())
