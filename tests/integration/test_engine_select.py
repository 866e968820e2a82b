#!/usr/bin/env python3
# ctest-timeout: 900
# ctest-cases: moto limits picture
"""Choosing the engine (issue 13, items 7 and 8), against the real program over stdio.

moto: the same commands through servers started with --engine cli, auto and native (the
  native one with AWSCLI_MCP_ENGINE=native and --aws-cli naming a missing file, so it proves
  the server starts and answers without the AWS CLI) against one seeded moto: structuredContent
  `engine` says who answered; stdout, stderr and exitCode are identical to the CLI's; a
  command the engine hands over runs the CLI under auto and is refused, saying why, under
  native; the audit line names the engine.
limits: a native call against a silent loopback endpoint ends at its deadline with the CLI
  path's words; a native call cancelled with notifications/cancelled ends as cancelled and
  closes its connection to the endpoint.
picture: cloudwatch get-metric-widget-image against a loopback endpoint that answers as AWS
  documents the query protocol's reply (GetMetricWidgetImageResponse / ...Result /
  MetricWidgetImage, base64 of a real PNG made here), through each engine: the result carries
  an MCP image block whose bytes are the PNG.
"""

import base64
import http.server
import json
import os
import queue
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import zlib

SOURCE_DIR = os.path.realpath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

BUILD_DIR = os.path.realpath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(BUILD_DIR, "awscli-mcp"))
MOTO = os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh")
AWS = "/usr/bin/aws"
# Bounds only (a loaded machine is slow); no assertion depends on how long anything took.
WAIT_S = 240

r = Runner("Choosing the engine: --engine cli, auto and native over stdio")
tmp = tempfile.mkdtemp(prefix="test-engine-select-")


def base_env(endpoint, engine, **extra):
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
           "TMPDIR": tmp, "HOME": tmp, "AWSCLI_MCP_AWS_CLI": AWS,
           "AWSCLI_MCP_ENDPOINT_URL": endpoint, "AWSCLI_MCP_ENGINE": engine,
           "AWSCLI_MCP_LOG_LEVEL": "info", "AWSCLI_MCP_TIMEOUT_S": "300"}
    env.update(extra)
    return env


class Server:
    """awscli-mcp stdio: requests in, replies by id, stderr lines collected as they come."""

    def __init__(self, env, args=()):
        self.p = subprocess.Popen([BIN, "stdio", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                  text=True, cwd=tmp)
        self.id = 0
        self.replies = queue.Queue()
        self.log = []
        self.log_added = threading.Condition()
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        init = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                           "clientInfo": {"name": "engine", "version": "1"}})
        self.started = init is not None and "result" in init
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _read_out(self):
        for line in self.p.stdout:
            self.replies.put(json.loads(line))
        self.replies.put(None)

    def _read_err(self):
        for line in self.p.stderr:
            with self.log_added:
                try:
                    self.log.append(json.loads(line))
                except ValueError:
                    self.log.append({"raw": line})
                self.log_added.notify_all()

    def send(self, msg):
        self.p.stdin.write(json.dumps(msg) + "\n")
        self.p.stdin.flush()

    def start(self, method, params):
        self.id += 1
        self.send({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        return self.id

    def wait_reply(self, id_):
        while True:
            try:
                msg = self.replies.get(timeout=WAIT_S)
            except queue.Empty:
                return None
            if msg is None or msg.get("id") == id_:
                return msg

    def request(self, method, params):
        return self.wait_reply(self.start(method, params))

    def call(self, command):
        reply = self.request("tools/call", {"name": "run_aws_cli",
                                            "arguments": {"command": command}})
        return (reply or {}).get("result") or {}

    def wait_log(self, pred):
        """The first log line for which pred holds, waiting for it (bounded)."""
        with self.log_added:
            ok = self.log_added.wait_for(lambda: any(pred(x) for x in self.log), timeout=WAIT_S)
            return next((x for x in self.log if pred(x)), None) if ok else None

    def audits(self, count=0):
        """The audit lines, once there are at least `count` (stderr is read by a thread of
        its own: a reply on stdout can arrive before the audit line written ahead of it)."""
        def lines():
            return [x for x in self.log if x.get("message") == "audit"]
        with self.log_added:
            self.log_added.wait_for(lambda: len(lines()) >= count, timeout=WAIT_S)
            return lines()

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()


def text(res):
    return "\n".join(c.get("text", "") for c in res.get("content", []) if c.get("type") == "text")


def sc(res):
    return res.get("structuredContent") or {}


# ---- moto: the same bytes from every engine -----------------------------------------------

def case_moto():
    state = os.path.join(tmp, "moto")
    started = subprocess.run(["bash", MOTO, "start", state], capture_output=True, text=True,
                             timeout=600)
    if not r.check("moto started and seeded", started.returncode == 0, started.stderr):
        return
    endpoint = started.stdout.strip()
    seed = {}
    with open(os.path.join(state, "seed.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            seed[k] = v.strip("'")
    group = seed["SEED_LOG_GROUP"]
    # Each (command, whether the engine answers it natively).
    commands = [
        ("logs describe-log-groups", True),
        ("logs filter-log-events --log-group-name %s --limit 10" % group, True),
        ("cloudwatch list-metrics --namespace AWS/Lambda", True),
        ("cloudwatch describe-alarms", True),
        ("sts get-caller-identity", True),
        ("logs describe-log-groups --output text", True),
        ("logs describe-log-groups --query 'logGroups[].logGroupName'", True),
        ("logs describe-log-streams --log-group-name /no/such/group", True),
        ("logs describe-log-groups --output table", False),
        ("logs tail %s --since 1h" % group, False),
    ]
    servers = {}
    try:
        servers["cli"] = Server(base_env(endpoint, "cli"))
        servers["auto"] = Server(base_env(endpoint, "auto"))
        # No AWS CLI at all: the variable names the engine, the flag a file that is not there.
        servers["native"] = Server(base_env(endpoint, "native"),
                                   ["--aws-cli", os.path.join(tmp, "no-such-aws")])
        for name, s in servers.items():
            r.check("%s: the server started" % name, s.started, s.log[-3:])
        start = servers["native"].wait_log(lambda x: x.get("message", "").startswith("engine:"))
        r.check("native without the CLI: the log says which engine answers",
                start and start.get("engine") == "native" and start.get("awsCli") is None, start)

        for cmd, native in commands:
            got = {name: s.call(cmd) for name, s in servers.items()}
            cli = got["cli"]
            r.eq("cli: engine of `%s`" % cmd, sc(cli).get("engine"), "cli")
            r.eq("auto: engine of `%s`" % cmd, sc(got["auto"]).get("engine"),
                 "native" if native else "cli")
            for name in ("auto", "native"):
                res = got[name]
                if name == "native" and not native:
                    r.check("native: `%s` refused, saying why" % cmd,
                            res.get("isError") is True and "structuredContent" not in res
                            and "the native engine cannot run this command exactly" in text(res)
                            and "AWSCLI_MCP_ENGINE=native" in text(res), res)
                    continue
                for key in ("exitCode", "stdout", "stderr", "truncated"):
                    r.eq("%s = cli: %s of `%s`" % (name, key, cmd), sc(res).get(key),
                         sc(cli).get(key))
                r.eq("%s = cli: isError of `%s`" % (name, cmd), res.get("isError"),
                     cli.get("isError"))
            r.check("cli: `%s` answered" % cmd, isinstance(sc(cli).get("exitCode"), int), cli)

        # The audit lines say which engine ran; a native call has words, not an argv.
        for s in servers.values():
            s.audits(len(commands))  # one line per call
        a = servers["native"].audits()
        ok = [x for x in a if x.get("outcome") == "ok"]
        r.check("native audit: engine native, words, no argv",
                ok and all(x.get("engine") == "native" and "words" in x and "argv" not in x
                           for x in ok), ok[:2])
        refused = [x for x in a if x.get("outcome") == "refused"]
        r.check("native audit: the handed-over commands refused with the engine's reason",
                len(refused) == 2 and all(x.get("engine") == "native" and x.get("reason")
                                          for x in refused), refused)
        handed = [x for x in servers["auto"].audits() if x.get("handoff")]
        r.check("auto audit: the two handed-over commands ran the CLI, with the reason",
                len(handed) == 2 and all(x.get("engine") == "cli" and "argv" in x
                                         for x in handed), handed)
        r.check("cli audit: every call engine cli",
                all(x.get("engine") == "cli" for x in servers["cli"].audits()),
                servers["cli"].audits()[:2])
    finally:
        for s in servers.values():
            s.close()
        subprocess.run(["bash", MOTO, "stop", state], capture_output=True, timeout=60)


# ---- limits: deadline and cancellation ----------------------------------------------------

class Silent:
    """A TCP listener that accepts and reads but never answers; it notes each connection's end."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Semaphore(0)
        self.closed = threading.Semaphore(0)
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._hold, args=(c,), daemon=True).start()

    def _hold(self, c):
        got = b""
        try:
            while b"\r\n\r\n" not in got:
                d = c.recv(65536)
                if not d:
                    break
                got += d
            if b"\r\n\r\n" in got:
                self.accepted.release()  # a whole request head arrived: the call is in flight
            while c.recv(65536):
                pass
        except OSError:
            pass
        self.closed.release()

    def stop(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def case_limits():
    silent = Silent()
    endpoint = "http://127.0.0.1:%d" % silent.port
    cmd = "logs describe-log-groups --limit 1"
    try:
        # The deadline: the native path's words are the CLI path's.
        words = {}
        for engine in ("native", "cli"):
            s = Server(base_env(endpoint, engine, AWSCLI_MCP_TIMEOUT_S="2"))
            res = s.call(cmd)
            s.close()
            r.eq("%s at the deadline: isError" % engine, res.get("isError"), True)
            r.eq("%s at the deadline: engine" % engine, sc(res).get("engine"), engine)
            words[engine] = (res.get("content") or [{}])[0].get("text")
        r.check("native at the deadline: the CLI path's words",
                words["native"] == words["cli"] and "did not finish within 2 s "
                "(AWSCLI_MCP_TIMEOUT_S)" in (words["native"] or ""), words)

        # Cancellation: once the request reached the endpoint, the client cancels; the call
        # ends as cancelled (the limit is 300 s, so nothing else can end it) and its
        # connection to the endpoint is closed.
        quiet = Silent()  # its own, so that no earlier connection's end counts here
        s = Server(base_env("http://127.0.0.1:%d" % quiet.port, "native"))
        id_ = s.start("tools/call", {"name": "run_aws_cli", "arguments": {"command": cmd}})
        if r.check("cancel: the request reached the endpoint",
                   quiet.accepted.acquire(timeout=WAIT_S)):
            s.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                    "params": {"requestId": id_, "reason": "test"}})
            a = s.wait_log(lambda x: x.get("message") == "audit")
            r.check("cancel: audited as cancelled, engine native",
                    a and a.get("outcome") == "cancelled" and a.get("engine") == "native"
                    and a.get("cancelled") is True, a)
            r.check("cancel: the HTTP request was aborted (connection closed)",
                    quiet.closed.acquire(timeout=WAIT_S))
            pong = s.request("ping", {})
            r.check("cancel: no reply to the cancelled request, the server goes on",
                    pong is not None and pong.get("id") != id_ and "result" in pong, pong)
        s.close()
        quiet.stop()
    finally:
        silent.stop()


# ---- picture: the widget's PNG as image content -------------------------------------------

def make_png(w, h):
    """A real PNG (8-bit RGB), built by hand so that the test needs no imaging library."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + b"".join(bytes(((x * 37) & 255, (y * 59) & 255, 160))
                                       for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class WidgetEndpoint(http.server.BaseHTTPRequestHandler):
    """CloudWatch's query protocol as AWS documents GetMetricWidgetImage's reply."""
    png = b""
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = urllib.parse.parse_qs(body)
        WidgetEndpoint.requests.append(form)
        if form.get("Action") == ["GetMetricWidgetImage"]:
            status = 200
            reply = ('<GetMetricWidgetImageResponse '
                     'xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">\n'
                     '  <GetMetricWidgetImageResult>\n'
                     '    <MetricWidgetImage>%s</MetricWidgetImage>\n'
                     '  </GetMetricWidgetImageResult>\n'
                     '  <ResponseMetadata>\n'
                     '    <RequestId>5d8f6e3a-0000-4000-8000-000000000001</RequestId>\n'
                     '  </ResponseMetadata>\n'
                     '</GetMetricWidgetImageResponse>\n'
                     % base64.b64encode(WidgetEndpoint.png).decode())
        else:
            status = 400
            reply = ('<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
                     '<Error><Type>Sender</Type><Code>InvalidAction</Code>'
                     '<Message>not here</Message></Error>'
                     '<RequestId>5d8f6e3a-0000-4000-8000-000000000002</RequestId>'
                     '</ErrorResponse>')
        data = reply.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "5d8f6e3a-0000-4000-8000-000000000001")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def case_picture():
    WidgetEndpoint.png = make_png(24, 16)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WidgetEndpoint)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    endpoint = "http://127.0.0.1:%d" % httpd.server_address[1]
    widget = ('{"metrics":[["AWS/Lambda","Errors","FunctionName","my-function"]],'
              '"width":240,"height":160,"start":"-PT3H"}')
    cmd = "cloudwatch get-metric-widget-image --metric-widget '%s'" % widget
    try:
        stdouts = {}
        for engine in ("cli", "auto", "native"):
            s = Server(base_env(endpoint, engine))
            tools = (s.request("tools/list", {}) or {}).get("result", {}).get("tools", [])
            desc = tools[0].get("description", "") if tools else ""
            r.check("%s: the description says the image is returned" % engine,
                    "get-metric-widget-image also returns the graph as a PNG image" in desc, desc)
            res = s.call(cmd)
            s.close()
            content = res.get("content") or []
            r.eq("%s: isError" % engine, res.get("isError"), False)
            r.eq("%s: engine" % engine, sc(res).get("engine"),
                 "cli" if engine == "cli" else "native")
            r.eq("%s: a text block, then an image block" % engine,
                 [c.get("type") for c in content], ["text", "image"])
            if len(content) == 2:
                img = content[1]
                r.eq("%s: mimeType" % engine, img.get("mimeType"), "image/png")
                r.check("%s: the image's bytes are the PNG" % engine,
                        base64.b64decode(img.get("data", "")) == WidgetEndpoint.png,
                        img.get("data", "")[:60])
                r.eq("%s: the text is stdout" % engine, content[0].get("text"),
                     sc(res).get("stdout"))
            stdouts[engine] = sc(res).get("stdout")
        r.check("native and auto print the CLI's bytes",
                stdouts.get("native") == stdouts.get("cli") == stdouts.get("auto"), stdouts)
        r.check("the endpoint saw GetMetricWidgetImage with the widget",
                any(f.get("MetricWidget") == [widget] for f in WidgetEndpoint.requests),
                WidgetEndpoint.requests[:2])
    finally:
        httpd.shutdown()


CASES = {"moto": case_moto, "limits": case_limits, "picture": case_picture}


def main():
    names = sys.argv[1:] or list(CASES)
    for name in names:
        CASES[name]()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
