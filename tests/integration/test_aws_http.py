#!/usr/bin/env python3
"""The AWS HTTPS client (src/aws/http, through tests/helpers/aws_http_get) against a loopback
TLS server whose certificate comes from a CA made here with the openssl CLI.

Shows: the CA trusted through AWS_CA_BUNDLE is accepted; without it, and for a host name the
certificate does not name, the connection is refused with a clear error; N sequential requests
cost one connection, hence one TLS handshake (the server counts accepts); a new connection to
the same host resumes the TLS session; a kept-alive connection the server drops is replaced
and the request sent again; concurrent callers share the client safely; a body over the bound
and a server that stalls mid-body end at their limits; chunked bodies, interim 1xx answers and
HEAD; a malformed response refused with its reason; https_proxy through a CONNECT tunnel (with
Basic credentials), no_proxy, and a proxy's refusal; plain http:// goes only to loopback; a
missing CA file is named.
"""

import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

HELPERS = os.environ.get("HELPERS_DIR", os.path.join(SOURCE_DIR, "build", "helpers"))
r = Runner("AWS HTTPS client: TLS, reuse, bounds")
tmp = tempfile.mkdtemp(prefix="aws-http-")


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp)


# A CA, and a server certificate for DNS:localhost only, signed by it.
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=awscli-mcp test CA")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
        "-subj", "/CN=localhost")
with open(os.path.join(tmp, "ext.cnf"), "w") as f:
    f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n")
openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")


class Server:
    """HTTP/1.1 over TLS with keep-alive, one thread per connection; counts accepts."""

    def __init__(self):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(tmp, "srv.pem"), os.path.join(tmp, "srv.key"))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepts = 0
        self.handshakes = 0
        self.resumed = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            c, _ = self.sock.accept()
            with self.lock:
                self.accepts += 1
            threading.Thread(target=self.conn, args=(c,), daemon=True).start()

    def conn(self, raw):
        try:
            c = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        with self.lock:
            self.handshakes += 1
            self.resumed += 1 if c.session_reused else 0
        f = c.makefile("rb")
        served = 0
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                method, path = line.split()[0].decode(), line.split()[1].decode()
                length = 0
                while True:
                    h = f.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode().partition(":")
                    if k.strip().lower() == "content-length":
                        length = int(v)
                if length:
                    f.read(length)
                served += 1
                if path.startswith("/big"):
                    n = int(path.split("=")[1])
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % n +
                              (b"" if method == "HEAD" else b"x" * n))
                elif path == "/close":
                    c.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
                    return
                elif path == "/drop" and served > 1:
                    return  # closes a kept-alive connection on its second request, unanswered
                elif path == "/chunked":
                    c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
                elif path == "/continue":
                    c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n"
                              b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")
                elif path == "/malformed":
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
                    return
                elif path == "/stall":
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"y" * 10)
                    time.sleep(30)
                    return
                else:
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass
        finally:
            c.close()


def run(args, ca=True, env_extra=None):
    env = dict(os.environ)
    env.pop("AWS_CA_BUNDLE", None)
    for k in ("http_proxy", "https_proxy", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    if ca:
        env["AWS_CA_BUNDLE"] = os.path.join(tmp, "ca.pem")
    env.update(env_extra or {})
    p = subprocess.run([os.path.join(HELPERS, "aws_http_get"), *args], env=env,
                       capture_output=True, text=True, timeout=120)
    return p.stdout.splitlines()


s = Server()
base = "https://localhost:%d" % s.port

out = run(["-n", "5", base + "/ok"])
r.eq("5 sequential requests with the test CA in AWS_CA_BUNDLE", out, ["status=200 bytes=2"] * 5)
r.eq("...over one connection, one TLS handshake", (s.accepts, s.handshakes), (1, 1))

out = run(["-n", "1", base + "/ok"], ca=False)
r.check("without AWS_CA_BUNDLE the unknown CA is refused", len(out) == 1 and
        out[0].startswith("error:") and "TLS certificate not accepted" in out[0], out)

out = run(["https://127.0.0.1:%d/ok" % s.port])
r.check("a host name the certificate does not name is refused", len(out) == 1 and
        "TLS certificate not accepted" in out[0] and "127.0.0.1" in out[0], out)

before = s.accepts
out = run(["-t", "4", "-n", "5", base + "/ok"])
r.eq("4 threads x 5 requests on one client", sorted(out), ["status=200 bytes=2"] * 20)
r.check("...on at most 4 connections", s.accepts - before <= 4, s.accepts - before)

out = run(["-m", "100000", base + "/big?n=100000"])
r.eq("a body at the bound is accepted", out, ["status=200 bytes=100000"])
out = run(["-m", "100000", base + "/big?n=100001"])
r.check("a body over the bound ends with a clear error", len(out) == 1 and
        "larger than 100000 bytes" in out[0], out)

t0 = time.monotonic()
out = run(["-T", "1500", base + "/stall"])
# The message names the time that was left when the request started (1500 ms, or 1499 when a
# millisecond passed on the way), so only its words are checked.
r.check("a server stalling mid-body ends at the deadline", len(out) == 1 and
        re.search(r"no complete response within 1[45][0-9][0-9] ms", out[0]) is not None, out)
r.check("...and not much later", time.monotonic() - t0 < 20, time.monotonic() - t0)

before = (s.accepts, s.handshakes, s.resumed)
out = run(["-n", "3", base + "/close"])
r.eq("Connection: close honoured: 3 requests", out, ["status=200 bytes=2"] * 3)
r.eq("...on 3 connections, the 2nd and 3rd resuming the TLS session",
     (s.accepts - before[0], s.handshakes - before[1], s.resumed - before[2]), (3, 3, 2))

before = s.accepts
out = run(["-n", "2", base + "/drop"])
r.eq("a kept-alive connection dropped by the server: the request goes again on a new one", out,
     ["status=200 bytes=2"] * 2)
r.eq("...which is the second connection", s.accepts - before, 2)

out = run(["-n", "2", base + "/chunked"])
r.eq("a chunked body (extensions, trailer), twice on one connection", out,
     ["status=200 bytes=11"] * 2)
out = run([base + "/continue"])
r.eq("an interim 100 answer is skipped", out, ["status=200 bytes=3"])
out = run(["-X", "HEAD", "-n", "2", base + "/big?n=50"])
r.eq("HEAD: no body whatever Content-Length says, and the connection goes on", out,
     ["status=200 bytes=0"] * 2)
out = run([base + "/malformed"])
r.check("a malformed response is refused with its reason and the URL", len(out) == 1 and
        "malformed response: conflicting Content-Length values 5 and 6" in out[0] and
        "/malformed" in out[0], out)


class Proxy:
    """An HTTP proxy that opens CONNECT tunnels (or refuses them with `status`)."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            c, _ = self.sock.accept()
            threading.Thread(target=self.conn, args=(c,), daemon=True).start()

    def conn(self, c):
        f = c.makefile("rb")
        head = []
        while True:
            line = f.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            head.append(line.decode().strip())
        self.requests.append(head)
        if self.status != 200:
            c.sendall(b"HTTP/1.1 %d No\r\nContent-Length: 4\r\n\r\nnope" % self.status)
            c.close()
            return
        host, port = head[0].split()[1].rsplit(":", 1)
        up = socket.create_connection((host, int(port)))
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pump(a, b):
            try:
                while True:
                    d = a.recv(65536)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass
            for x in (a, b):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        threading.Thread(target=pump, args=(up, c), daemon=True).start()
        pump(c, up)


px = Proxy()
before = s.accepts
out = run(["-n", "2", base + "/ok"],
          env_extra={"https_proxy": "http://user:p%%40ss@127.0.0.1:%d" % px.port})
r.eq("https_proxy: 2 requests through one CONNECT tunnel", out, ["status=200 bytes=2"] * 2)
r.eq("...the proxy saw one CONNECT to the host and port, with Basic credentials",
     [(h[0], [x for x in h if x.lower().startswith("proxy-authorization")]) for h in px.requests],
     [("CONNECT localhost:%d HTTP/1.1" % s.port, ["Proxy-Authorization: Basic dXNlcjpwQHNz"])])
px.requests.clear()
out = run([base + "/ok"], env_extra={"HTTPS_PROXY": "127.0.0.1:%d" % px.port,
                                     "NO_PROXY": "example.com, .localhost"})
r.check("no_proxy naming the host: a direct connection", out == ["status=200 bytes=2"] and
        not px.requests, (out, px.requests))
out = run([base + "/ok"], env_extra={"HTTPS_PROXY": "http://127.0.0.1:%d" % Proxy(407).port})
r.check("a proxy refusing the tunnel: its status, in words", len(out) == 1 and
        "refused the tunnel to localhost:%d: HTTP 407 (proxy authentication required" % s.port
        in out[0], out)
out = run([base + "/ok"], env_extra={"https_proxy": "socks5://127.0.0.1:1080"})
r.check("a SOCKS proxy is refused by name", len(out) == 1 and
        "https_proxy: a socks5:// proxy is not supported" in out[0], out)

out = run(["http://example.com/"])
r.check("plain http:// to a non-loopback host is refused", len(out) == 1 and
        "only allowed to a loopback host" in out[0], out)
out = run([base + "/ok"], ca=False, env_extra={"AWS_CA_BUNDLE": os.path.join(tmp, "nope.pem")})
r.check("an unreadable AWS_CA_BUNDLE is named", len(out) == 1 and "nope.pem" in out[0], out)

sys.exit(r.summary())
