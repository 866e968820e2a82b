#!/usr/bin/env python3
"""The AWS HTTPS client (src/aws/http, through tests/helpers/aws_http_get) against a loopback
TLS server whose certificate comes from a CA made here with the openssl CLI.

Shows: the CA trusted through AWS_CA_BUNDLE is accepted; without it, and for a host name the
certificate does not name, the connection is refused with a clear error; N sequential requests
cost one connection, hence one TLS handshake (the server counts accepts); concurrent callers
share the client safely; a body over the bound and a server that stalls mid-body end at their
limits; plain http:// goes only to loopback; a missing CA file is named.
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
        f = c.makefile("rb")
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                path = line.split()[1].decode()
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
                if path.startswith("/big"):
                    n = int(path.split("=")[1])
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % n + b"x" * n)
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

out = run(["http://example.com/"])
r.check("plain http:// to a non-loopback host is refused", len(out) == 1 and
        "only allowed to a loopback host" in out[0], out)
out = run([base + "/ok"], ca=False, env_extra={"AWS_CA_BUNDLE": os.path.join(tmp, "nope.pem")})
r.check("an unreadable AWS_CA_BUNDLE is named", len(out) == 1 and "nope.pem" in out[0], out)

sys.exit(r.summary())
