#!/usr/bin/env python3
# ctest-timeout: 120
"""The Lambda harness itself, checked against what Lambda documents (../shared/LAMBDA.md).

The runtime here is not awscli-mcp but tests/lambda/echo_handler.mjs under
tests/lambda/node_bootstrap.mjs, which returns the event it got, so the test sees exactly what
the front door and the Runtime API emulator produce: payload 2.0 events (lower-case headers,
comma-joined repeats, cookies[], query parameters, base64 for binary bodies), the /next
headers (request id, deadline, function ARN, trace id), replies mapped back to HTTP (status,
headers, cookies, base64 bodies, a reply without statusCode as a 200 JSON body), and the
6,291,556-byte response limit (one byte more: 413 to the runtime, 502 to the caller).
"""

import base64
import http.client
import json
import os
import shutil
import sys
import tempfile
import time
from urllib.parse import urlsplit

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Harness, Runner  # noqa: E402

NODE_DIR = os.environ.get("NODE_DIR", os.path.join(SOURCE_DIR, "tests", "node"))
NODE = os.path.join(NODE_DIR, "node_modules", ".bin", "node")
LIMIT = 6291556

r = Runner("Lambda harness: plays Lambda as documented")
tmp = tempfile.mkdtemp(prefix="lambda-harness-")


def request(url, method, path, body=None, headers=()):
    u = urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.putrequest(method, path, skip_accept_encoding=True)
    for k, v in headers:
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    res = c.getresponse()
    out = (res.status, res.getheaders(), res.read())
    c.close()
    return out


def hget(headers, name):
    vals = [v for k, v in headers if k.lower() == name.lower()]
    return vals if len(vals) != 1 else vals[0]


try:
    env = {"_HANDLER": "echo_handler.handler",
           "LAMBDA_TASK_ROOT": os.path.join(SOURCE_DIR, "tests", "lambda")}
    with Harness([NODE, os.path.join(SOURCE_DIR, "tests", "lambda", "node_bootstrap.mjs")],
                 env=env, log=os.path.join(tmp, "runtime.log"), timeout_ms=30000) as h:
        t0 = int(time.time() * 1000)
        status, headers, body = request(h.url, "POST", "/echo?a=1&a=2&b=x%20y", b'{"x": 1}', [
            ("Content-Type", "application/json"), ("X-Multi", "p"), ("X-Multi", "q"),
            ("Cookie", "c1=v; c2=w"), ("User-Agent", "harness-test/1")])
        r.eq("echo: HTTP status from statusCode", status, 200)
        r.eq("echo: reply headers passed through", hget(headers, "x-echo"), "yes")
        r.eq("echo: cookies[] become Set-Cookie", hget(headers, "set-cookie"),
             "session=abc; Path=/")
        doc = json.loads(body)
        ev, ctx = doc["event"], doc["context"]
        r.eq("event: version, routeKey", (ev["version"], ev["routeKey"]), ("2.0", "$default"))
        r.eq("event: rawPath, rawQueryString", (ev["rawPath"], ev["rawQueryString"]),
             ("/echo", "a=1&a=2&b=x%20y"))
        r.eq("event: queryStringParameters (repeats comma-joined, decoded)",
             ev["queryStringParameters"], {"a": "1,2", "b": "x y"})
        r.check("event: header names are lower-case",
                all(k == k.lower() for k in ev["headers"]), list(ev["headers"]))
        r.eq("event: repeated headers comma-joined", ev["headers"].get("x-multi"), "p,q")
        r.check("event: cookies moved to cookies[]",
                ev.get("cookies") == ["c1=v", "c2=w"] and "cookie" not in ev["headers"],
                (ev.get("cookies"), ev["headers"].get("cookie")))
        r.eq("event: text body as is", (ev["body"], ev["isBase64Encoded"]), ('{"x": 1}', False))
        http_ = ev["requestContext"]["http"]
        r.eq("event: requestContext.http", (http_["method"], http_["path"], http_["protocol"],
             http_["sourceIp"], http_["userAgent"]),
             ("POST", "/echo", "HTTP/1.1", "127.0.0.1", "harness-test/1"))
        r.check("event: no authorizer with auth NONE",
                "authorizer" not in ev["requestContext"], ev["requestContext"])
        r.check("event: requestContext ids and time",
                ev["requestContext"]["requestId"] and
                abs(ev["requestContext"]["timeEpoch"] - t0) < 5000, ev["requestContext"])
        r.check("/next: request id, function ARN",
                len(ctx["awsRequestId"]) == 36 and
                ctx["invokedFunctionArn"].startswith("arn:aws:lambda:us-east-1:"), ctx)
        r.check("/next: deadline = now + the function timeout (30 s)",
                25000 < ctx["remainingMs"] <= 30000, ctx["remainingMs"])
        r.check("/next: trace id", str(ctx.get("traceId", "")).startswith("Root=1-"), ctx)

        raw = bytes(range(256))
        status, _, body = request(h.url, "POST", "/echo", raw,
                                  [("Content-Type", "application/octet-stream")])
        ev = json.loads(body)["event"]
        r.check("binary body: base64 with isBase64Encoded",
                ev["isBase64Encoded"] is True and base64.b64decode(ev["body"]) == raw,
                ev.get("body", "")[:40])
        status, headers, body = request(h.url, "GET", "/binary")
        r.check("binary reply: isBase64Encoded body decoded", status == 200 and body == raw,
                (status, body[:20]))
        status, headers, body = request(h.url, "GET", "/raw")
        r.check("reply without statusCode: 200 application/json of that JSON",
                status == 200 and json.loads(body) == {"raw": True} and
                hget(headers, "content-type") == "application/json", (status, headers, body))

        status, _, body = request(h.url, "GET", "/size?n=%d" % LIMIT)
        r.check("response of exactly %d bytes: delivered" % LIMIT,
                status == 200 and len(body) == LIMIT, (status, len(body)))
        status, headers, body = request(h.url, "GET", "/size?n=%d" % (LIMIT + 1))
        r.eq("response one byte larger: 502 to the caller", status, 502)
        st = h.state()
        last = st["invocations"][-1]
        r.eq("response one byte larger: Function.ResponseSizeTooLarge",
             (last["result"], last["type"]), ("error", "Function.ResponseSizeTooLarge"))
        r.eq("the Node runtime stayed up throughout", (st["starts"], st["exits"]), (1, []))
finally:
    code = r.summary()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
