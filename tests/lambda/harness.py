#!/usr/bin/env python3
"""Plays AWS Lambda for a custom runtime, on 127.0.0.1 only.

Two servers in one process:

* a Runtime API 2018-06-01 emulator (GET /runtime/invocation/next, POST .../response,
  .../error, /runtime/init/error) that starts the runtime process the way Lambda does: lazily
  on the first invoke, with no arguments beyond the command given, AWS_LAMBDA_RUNTIME_API and
  the other reserved variables in its environment, and again after it exits;
* a Function URL front door that turns real HTTP requests into payload format 2.0 events and
  the function's replies back into HTTP responses. With --auth AWS_IAM it verifies SigV4
  (service "lambda") with botocore -- never with the code under test -- fills
  requestContext.authorizer.iam and answers 403 as Lambda does.

The Runtime API port also serves a direct invoke endpoint (POST
/2015-03-31/functions/function/invocations, like AWS's Runtime Interface Emulator) and a
control API for tests under /_harness/ (state, faults, config).

On start it prints one JSON line to stdout: {"url", "runtime_api", "invoke_url", "control",
"credentials": [...]} and serves until SIGTERM (or stdin EOF with --exit-on-stdin-eof).
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

MAX_RESPONSE = 6291556  # the emulator accepted this many bytes and refused one more (413)
MAX_REQUEST = 6291456  # Function URL request payload limit
ACCOUNT = "123456789012"

FORBIDDEN = {"Message": "Forbidden. For troubleshooting Function URL authorization issues, see: "
             "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}
BAD_SIGNATURE = {"message": "The request signature we calculated does not match the signature "
                 "you provided. Check your AWS Secret Access Key and signing method. Consult "
                 "the service documentation for details."}

# Identities the front door knows (access key -> details). The tests sign with these.
IDENTITIES = {
    "AKIAHARNESSTEST00001": {
        "secret": "harnessSecretKey/for+tests/only/0000000001",
        "token": None,
        "userArn": f"arn:aws:iam::{ACCOUNT}:user/mcp-tester",
        "userId": "AIDAHARNESSUSER00001",
    },
    "ASIAHARNESSTEST00002": {
        "secret": "harnessSecretKey/for+tests/only/0000000002",
        "token": "harness-session-token-0002",
        "userArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/mcp-role/session-1",
        "userId": "AROAHARNESSROLE00002:session-1",
    },
}


def now_ms():
    return int(time.time() * 1000)


class Invocation:
    def __init__(self, event, timeout_ms, kind):
        self.id = str(uuid.uuid4())
        self.event = event
        self.kind = kind
        self.deadline_ms = now_ms() + timeout_ms
        self.trace_id = ("Root=1-%08x-%s;Parent=%s;Sampled=0"
                         % (int(time.time()), uuid.uuid4().hex[:24], uuid.uuid4().hex[:16]))
        self.done = threading.Event()
        self.result = None  # {"kind": "response"|"error"|"timeout"|"exit", ...}
        self.t_deliver = None
        self.t_posted = None

    def finish(self, result):
        if not self.done.is_set():
            self.result = result
            self.t_posted = time.perf_counter_ns()
            self.done.set()
            return True
        return False


class Lambda:
    """The execution environment: one runtime process, one invocation at a time."""

    def __init__(self, args, rapi_addr):
        self.args = args
        self.rapi_addr = rapi_addr
        self.timeout_ms = args.timeout_ms
        self.cond = threading.Condition()
        self.invoke_lock = threading.Lock()
        self.pending = None
        self.current = None
        self.proc = None
        self.epoch = 0  # bumped when the runtime process exits
        self.starts = 0
        self.exits = []
        self.init_errors = []
        self.records = []
        self.calls = {"next": 0, "response": 0, "error": 0, "init_error": 0}
        self.parked = 0
        self.faults = {"next_500": 0, "next_close": 0, "response_500": 0, "response_close": 0}
        self.log = open(args.log, "ab", buffering=0) if args.log else None

    # --- process ---
    def _env(self):
        env = dict(os.environ)
        env.update({
            "AWS_LAMBDA_RUNTIME_API": self.rapi_addr,
            "AWS_LAMBDA_FUNCTION_NAME": self.args.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.args.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + self.args.function_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d/[$LATEST]")
                                          + uuid.uuid4().hex,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": env.get("AWS_REGION", self.args.region),
            "AWS_DEFAULT_REGION": env.get("AWS_DEFAULT_REGION", self.args.region),
            "TZ": "UTC",
        })
        if self.args.log_format:
            env["AWS_LAMBDA_LOG_FORMAT"] = self.args.log_format
        # Lambda always sets the credential variables; the emulator sets them empty.
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.setdefault(k, "")
        for kv in self.args.env:
            k, _, v = kv.partition("=")
            env[k] = v
        env.pop("_X_AMZN_TRACE_ID", None)
        return env

    def ensure_started(self):
        if self.proc is not None and self.proc.poll() is None:
            return
        out = self.log if self.log else None
        self.proc = subprocess.Popen(self.args.cmd, env=self._env(), stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=out)
        self.starts += 1
        proc = self.proc
        threading.Thread(target=self._watch, args=(proc,), daemon=True).start()

    def _watch(self, proc):
        code = proc.wait()
        with self.cond:
            self.exits.append(code)
            self.epoch += 1
            inv = self.current or self.pending
            if inv is not None:
                why = ("Runtime.ExitError", "Runtime exited with error: exit status %d" % code)
                if self.init_errors and self.init_errors[-1].get("pending"):
                    e = self.init_errors[-1]
                    why = (e["type"], e["body"])
                inv.finish({"kind": "error", "type": why[0], "body": why[1]})
            self.current = None
            self.pending = None
            self.cond.notify_all()

    def kill(self):
        p = self.proc
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()

    # --- invocations ---
    def invoke(self, event, kind, timeout_ms=None):
        with self.invoke_lock:
            timeout_ms = timeout_ms or self.timeout_ms
            inv = Invocation(event, timeout_ms, kind)
            with self.cond:
                if self.init_errors:
                    self.init_errors[-1]["pending"] = False
                self.ensure_started()
                self.pending = inv
                self.cond.notify_all()
            if not inv.done.wait(timeout_ms / 1000.0):
                # Lambda stops the environment at the deadline ("Task timed out").
                if inv.finish({"kind": "timeout", "type": "Sandbox.Timedout",
                               "body": "Task timed out after %.2f seconds" % (timeout_ms / 1e3)}):
                    self.kill()
            with self.cond:
                if self.current is inv:
                    self.current = None
                if self.pending is inv:
                    self.pending = None
            r = inv.result
            self.records.append({
                "id": inv.id, "kind": kind, "result": r["kind"], "type": r.get("type"),
                "trace_id": inv.trace_id, "deadline_ms": inv.deadline_ms,
                "answered_ms": now_ms(),
                "bytes": len(r.get("payload", b"")),
                "runtime_us": ((inv.t_posted - inv.t_deliver) / 1000.0
                               if inv.t_deliver and inv.t_posted else None),
            })
            return inv

    def next_invocation(self):
        with self.cond:
            epoch = self.epoch
            if self.current is not None:
                # Asking for the next event before answering fails the current one.
                self.current.finish({"kind": "error", "type": "Runtime.NoResponse",
                                     "body": "next requested before the invocation answered"})
                self.current = None
            self.parked += 1  # the runtime waits in GET /next: tests wait for this event
            try:
                while self.pending is None:
                    self.cond.wait(1.0)
                    if self.epoch != epoch:
                        return None  # the process that asked is gone
            finally:
                self.parked -= 1
            inv = self.pending
            self.pending = None
            self.current = inv
            return inv

    def find(self, rid):
        with self.cond:
            if self.current is not None and self.current.id == rid:
                return self.current
        return None

    def state(self):
        return {"starts": self.starts, "exits": self.exits, "calls": self.calls,
                "init_errors": [{k: v for k, v in e.items() if k != "pending"}
                                for e in self.init_errors],
                "invocations": self.records, "parked": self.parked,
                "running": self.proc is not None
                and self.proc.poll() is None}


def send(h, status, body=b"", headers=None, ctype="application/json"):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    h.send_response(status)
    if ctype and not any(k.lower() == "content-type" for k, _ in (headers or [])):
        h.send_header("Content-Type", ctype)
    for k, v in headers or []:
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def read_body(h, limit=None):
    if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                break
            chunks.append(h.rfile.read(size))
            h.rfile.readline()
        return b"".join(chunks)
    n = int(h.headers.get("Content-Length") or 0)
    return h.rfile.read(n) if n else b""


def abort_connection(h):
    """Closes the connection without an answer (a Runtime API that went away)."""
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class RuntimeAPI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    lam = None  # set by main

    def log_message(self, *a):
        pass

    def do_GET(self):
        lam = self.lam
        if self.path == "/2018-06-01/runtime/invocation/next":
            lam.calls["next"] += 1
            if lam.faults["next_close"] > 0:
                lam.faults["next_close"] -= 1
                return abort_connection(self)
            if lam.faults["next_500"] > 0:
                lam.faults["next_500"] -= 1
                return send(self, 500, {"errorMessage": "injected fault",
                                        "errorType": "ServiceException"})
            inv = lam.next_invocation()
            if inv is None:
                return abort_connection(self)
            headers = [("Lambda-Runtime-Aws-Request-Id", inv.id),
                       ("Lambda-Runtime-Deadline-Ms", str(inv.deadline_ms)),
                       ("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:%s:%s:function:%s"
                        % (lam.args.region, ACCOUNT, lam.args.function_name)),
                       ("Lambda-Runtime-Trace-Id", inv.trace_id)]
            inv.t_deliver = time.perf_counter_ns()
            return send(self, 200, inv.event, headers)
        if self.path == "/_harness/state":
            return send(self, 200, lam.state())
        send(self, 404, {"errorMessage": "not found", "errorType": "NotFound"})

    def do_POST(self):
        lam = self.lam
        parts = self.path.split("/")
        if self.path.startswith("/_harness/"):
            body = json.loads(read_body(self) or b"{}")
            if self.path == "/_harness/faults":
                lam.faults.update(body)
            elif self.path == "/_harness/config":
                lam.timeout_ms = int(body.get("timeout_ms", lam.timeout_ms))
            elif self.path == "/_harness/reset":
                lam.records.clear()
            return send(self, 200, {"ok": True})
        if self.path == "/2015-03-31/functions/function/invocations":
            event = read_body(self)
            timeout = self.headers.get("X-Harness-Timeout-Ms")
            inv = lam.invoke(event, "invoke", int(timeout) if timeout else None)
            r = inv.result
            if r["kind"] == "response":
                return send(self, 200, r["payload"])
            body = r["body"] if isinstance(r["body"], (bytes, str)) else json.dumps(r["body"])
            return send(self, 200, body, [("X-Amz-Function-Error", "Unhandled"),
                                          ("X-Harness-Error-Type", r.get("type") or "")])
        if self.path == "/2018-06-01/runtime/init/error":
            lam.calls["init_error"] += 1
            body = read_body(self)
            with lam.cond:
                lam.init_errors.append({
                    "type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "body": body.decode("utf-8", "replace"), "pending": True})
            return send(self, 202, {"status": "OK"})
        if (len(parts) == 6 and parts[1] == "2018-06-01" and parts[2] == "runtime"
                and parts[3] == "invocation" and parts[5] in ("response", "error")):
            kind = parts[5]
            lam.calls[kind] += 1
            if kind == "response" and lam.faults["response_close"] > 0:
                lam.faults["response_close"] -= 1
                return abort_connection(self)
            if kind == "response" and lam.faults["response_500"] > 0:
                lam.faults["response_500"] -= 1
                read_body(self)
                return send(self, 500, {"errorMessage": "injected fault",
                                        "errorType": "ServiceException"})
            body = read_body(self)
            inv = lam.find(parts[4])
            if inv is None:
                return send(self, 400, {"errorMessage": "Invalid request ID",
                                        "errorType": "InvalidRequestID"})
            if kind == "response" and len(body) > MAX_RESPONSE:
                inv.finish({"kind": "error", "type": "Function.ResponseSizeTooLarge",
                            "body": json.dumps({
                                "errorMessage": "Response payload size exceeded maximum "
                                "allowed payload size (%d bytes)." % MAX_RESPONSE,
                                "errorType": "Function.ResponseSizeTooLarge"})})
                return send(self, 413, {"errorMessage": "Exceeded maximum allowed payload size "
                                        "(%d bytes)." % MAX_RESPONSE,
                                        "errorType": "RequestEntityTooLarge"})
            if kind == "response":
                ok = inv.finish({"kind": "response", "payload": body})
            else:
                ok = inv.finish({"kind": "error",
                                 "type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                                 "body": body.decode("utf-8", "replace")})
            if not ok:
                return send(self, 400, {"errorMessage": "Invocation already answered",
                                        "errorType": "InvalidStateTransition"})
            return send(self, 202, {"status": "OK"})
        send(self, 404, {"errorMessage": "not found", "errorType": "NotFound"})


TEXT_TYPES = ("text/", "application/json", "+json", "application/xml", "+xml",
              "application/javascript")


class FunctionURL(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    lam = None
    args = None

    def log_message(self, *a):
        pass

    def _headers(self):
        """Lower-case names, repeated headers comma-joined, as Lambda does."""
        out = {}
        for k, v in self.headers.items():
            k = k.lower()
            out[k] = out[k] + "," + v if k in out else v
        return out

    def _verify_sigv4(self, headers, body, path, query):
        """botocore check of the caller's signature. Returns (identity, None) or (None, reply)."""
        def deny(kind):
            if kind == "sig":
                return None, (403, BAD_SIGNATURE, "InvalidSignatureException")
            if kind == "token":
                return None, (403, {"message": "The security token included in the request "
                                               "is invalid."}, "UnrecognizedClientException")
            return None, (403, FORBIDDEN, "AccessDeniedException")

        auth = headers.get("authorization")
        if not auth or not auth.startswith("AWS4-HMAC-SHA256 "):
            return deny("forbidden")
        fields = {}
        for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            fields[k] = v
        try:
            ak, date, region, service, term = fields["Credential"].split("/")
            signed = fields["SignedHeaders"].split(";")
            sig = fields["Signature"]
        except (KeyError, ValueError):
            return deny("sig")
        amz_date = headers.get("x-amz-date", "")
        ident = IDENTITIES.get(ak)
        if ident is None:
            return deny("token")
        if (service != "lambda" or region != self.args.region or term != "aws4_request"
                or amz_date[:8] != date or "host" not in signed):
            return deny("sig")
        try:
            t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            return deny("sig")
        if abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) > 900:
            return deny("sig")
        if ident["token"] is not None and headers.get("x-amz-security-token") != ident["token"]:
            return deny("token")
        signed_h = {h: headers.get(h, "") for h in signed}
        if "x-amz-content-sha256" in signed_h and \
                signed_h["x-amz-content-sha256"] != hashlib.sha256(body).hexdigest():
            return deny("sig")
        url = "http://%s%s%s" % (headers.get("host", ""), path, "?" + query if query else "")
        req = AWSRequest(method=self.command, url=url, data=body, headers=signed_h)
        req.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(ak, ident["secret"], ident["token"]), "lambda", region)
        canonical = signer.canonical_request(req)
        expected = signer.signature(signer.string_to_sign(req, canonical), req)
        if not hmac.compare_digest(expected, sig):
            return deny("sig")
        return {"accessKey": ak, "accountId": ACCOUNT, "callerId": ident["userId"],
                "cognitoIdentity": None, "principalOrgId": None, "userArn": ident["userArn"],
                "userId": ident["userId"]}, None

    def _handle(self):
        lam, args = self.lam, self.args
        rid = str(uuid.uuid4())
        split = urlsplit(self.path)
        body = read_body(self)
        if len(body) > MAX_REQUEST:
            return send(self, 413, {"Message": "Request must be smaller than %d bytes for the "
                                    "InvokeFunction operation" % MAX_REQUEST},
                        [("x-amzn-RequestId", rid),
                         ("x-amzn-ErrorType", "RequestEntityTooLargeException")])
        headers = self._headers()
        authorizer = None
        if args.auth == "AWS_IAM":
            ident, denial = self._verify_sigv4(headers, body, split.path, split.query)
            if denial:
                status, doc, etype = denial
                return send(self, status, doc, [("x-amzn-RequestId", rid),
                                                 ("x-amzn-ErrorType", etype)])
            authorizer = {"iam": ident}
        cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
        qs = {}
        for k, v in parse_qsl(split.query, keep_blank_values=True):
            qs[k] = qs[k] + "," + v if k in qs else v
        host = headers.get("host", "127.0.0.1")
        ts = time.time()
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": split.path or "/",
            "rawQueryString": split.query, "headers": headers,
            "requestContext": {
                "accountId": ACCOUNT if authorizer else "anonymous",
                "apiId": "harness0url0id", "domainName": host, "domainPrefix": "harness0url0id",
                "http": {"method": self.command, "path": split.path or "/",
                         "protocol": "HTTP/1.1", "sourceIp": self.client_address[0],
                         "userAgent": headers.get("user-agent", "")},
                "requestId": rid, "routeKey": "$default", "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts)),
                "timeEpoch": int(ts * 1000),
            },
            "isBase64Encoded": False,
        }
        if cookies:
            event["cookies"] = cookies
        if qs:
            event["queryStringParameters"] = qs
        if authorizer:
            event["requestContext"]["authorizer"] = authorizer
        if body:
            ctype = headers.get("content-type", "").lower()
            text = None
            if any(t in ctype for t in TEXT_TYPES):
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            if text is None:
                event["body"] = base64.b64encode(body).decode()
                event["isBase64Encoded"] = True
            else:
                event["body"] = text
        inv = lam.invoke(json.dumps(event).encode(), "functionUrl")
        self._reply(inv, rid)

    def _reply(self, inv, rid):
        r = inv.result
        base = [("x-amzn-RequestId", rid), ("X-Amzn-Trace-Id", inv.trace_id.split(";")[0])]
        if r["kind"] != "response":
            return send(self, 502, {"Message": "Internal Server Error"}, base)
        payload = r["payload"]
        try:
            doc = json.loads(payload)
        except ValueError:
            return send(self, 502, {"Message": "Internal Server Error"}, base)
        if not isinstance(doc, dict) or "statusCode" not in doc:
            # Valid JSON without statusCode: a 200 application/json body of that JSON.
            return send(self, 200, payload, base)
        try:
            status = int(doc["statusCode"])
            hdrs = [(k, str(v)) for k, v in (doc.get("headers") or {}).items()]
            for c in doc.get("cookies") or []:
                hdrs.append(("Set-Cookie", c))
            body = doc.get("body") or ""
            body = base64.b64decode(body) if doc.get("isBase64Encoded") else body.encode()
        except (ValueError, TypeError, AttributeError):
            return send(self, 502, {"Message": "Internal Server Error"}, base)
        hdrs = [h for h in hdrs if h[0].lower() not in ("content-length", "connection")]
        send(self, status, body, base + hdrs, ctype="application/json")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client (or runtime) that hangs up mid-exchange is normal, not a harness failure.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--auth", choices=["NONE", "AWS_IAM"], default="NONE")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--function-name", default="awscli-mcp")
    p.add_argument("--memory-mb", type=int, default=512)
    p.add_argument("--timeout-ms", type=int, default=300000)
    p.add_argument("--log", help="file for the runtime's stdout and stderr")
    p.add_argument("--log-format", choices=["Text", "JSON"], default="JSON")
    p.add_argument("--env", action="append", default=[], help="NAME=value for the runtime")
    p.add_argument("--eager", action="store_true", help="start the runtime at once")
    p.add_argument("--default-port", action="store_true",
                   help="serve the Function URL on port 80 of a random 127.x.y.z address")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="stop when stdin closes (for a parent that may die without cleanup)")
    p.add_argument("cmd", nargs="+", help="the runtime's command (Lambda's bootstrap)")
    args = p.parse_args()

    rapi = Server(("127.0.0.1", 0), RuntimeAPI)
    url = None
    if args.default_port:
        # A real Function URL has no port (443), and SigV4 clients sign the Host they derive
        # from the URL: @aws/run-mcp-servers-with-aws-lambda signs the hostname alone. Port 80 on
        # a random loopback address gives a URL without a port that cannot collide with another
        # harness. Needs CAP_NET_BIND_SERVICE; without it, fall back to a free port.
        import random
        for _ in range(20):
            addr = "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 255),
                                     random.randint(1, 254))
            try:
                url = Server((addr, 80), FunctionURL)
                break
            except OSError:
                continue
    if url is None:
        url = Server(("127.0.0.1", 0), FunctionURL)
    host, port = url.server_address[:2]
    url_text = "http://%s/" % host if port == 80 else "http://%s:%d/" % (host, port)
    rapi_addr = "127.0.0.1:%d" % rapi.server_address[1]
    lam = Lambda(args, rapi_addr)
    RuntimeAPI.lam = lam
    FunctionURL.lam = lam
    FunctionURL.args = args
    for s in (rapi, url):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    if args.eager:
        with lam.cond:
            lam.ensure_started()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        stop.set()

    if args.exit_on_stdin_eof:
        threading.Thread(target=watch_stdin, daemon=True).start()
    print(json.dumps({
        "url": url_text,
        "default_port": port == 80,
        "runtime_api": rapi_addr,
        "invoke_url": "http://%s/2015-03-31/functions/function/invocations" % rapi_addr,
        "control": "http://%s/_harness" % rapi_addr,
        "region": args.region,
        "credentials": [{"accessKeyId": k, "secretAccessKey": v["secret"],
                         "sessionToken": v["token"], "userArn": v["userArn"]}
                        for k, v in IDENTITIES.items()],
    }), flush=True)
    stop.wait()
    lam.kill()
    sys.stdout.flush()
    # Daemon threads may sit in blocking reads (stdin, sockets): leave without finalising.
    os._exit(0)


if __name__ == "__main__":
    main()
