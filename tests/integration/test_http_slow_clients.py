#!/usr/bin/env python3
"""Slow and hostile HTTP clients against the real `awscli-mcp serve` (issue 9, item 4).

- 80 connections from 127.0.0.1 that each send a partial request line and then one byte every
  second (renewing any idle timeout), reconnecting whenever the server closes them, for 40 s:
  a valid request with the token still answers, at the start, in the middle and at the end of
  the flood, within the headers' deadline plus 5 s; and the server closes each trickling
  connection by its absolute request deadline (HTTPD_REQUEST_DEADLINE_S, 10 s), not never.
- The bearer token is checked as soon as the headers are in: a wrong token with a promised
  body that never comes gets 401 at once.
- Two Authorization headers (even both correct) get 401; two Content-Length headers that
  disagree get 400.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, summary  # noqa: E402

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
BUILD_DIR = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN") or os.path.join(BUILD_DIR, "awscli-mcp")
FAKE_AWS = os.path.join(os.environ.get("HELPERS_DIR", os.path.join(BUILD_DIR, "helpers")),
                        "fake_aws")
TOKEN = "slow-clients-test-token-0123456789"
DEADLINE_S = 10
FLOOD = 80
FLOOD_S = 40




def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raw(port, data, timeout):
    """Sends data, returns (status line or '', seconds until the first answer byte)."""
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        try:
            first = s.recv(4096)
        except OSError as e:
            return "error: %s" % e, time.monotonic() - t0
    return first.split(b"\r\n", 1)[0].decode("latin-1"), time.monotonic() - t0


def valid_request(port, headers=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}).encode()
    hs = headers if headers is not None else ["Authorization: Bearer " + TOKEN]
    req = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
           "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
           "%sContent-Length: %d\r\nConnection: close\r\n\r\n"
           % (port, "".join(h + "\r\n" for h in hs), len(body))).encode() + body
    return raw(port, req, DEADLINE_S + 5)


class Flood:
    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.lifetimes = []  # seconds from connect to the server closing a trickling socket
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.one, daemon=True) for _ in range(FLOOD)]

    def one(self):
        while not self.stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            t0 = time.monotonic()
            s.settimeout(1.0)
            try:
                s.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                while not self.stop.is_set():
                    try:
                        if s.recv(1) == b"":
                            break  # the server closed it
                    except socket.timeout:
                        pass
                    s.sendall(b"a")
            except OSError:
                pass
            closed_by_server = not self.stop.is_set()
            s.close()
            if closed_by_server:
                with self.lock:
                    self.lifetimes.append(time.monotonic() - t0)

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=10)


def main():
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="slow-clients-")
    log = open(os.path.join(tmp, "server.log"), "w")
    env = dict(os.environ, AWSCLI_MCP_AUTH_TOKEN=TOKEN, AWSCLI_MCP_AWS_CLI=FAKE_AWS,
               AWSCLI_MCP_ENGINE="cli", TMPDIR=tmp, AWSCLI_MCP_LOG_LEVEL="warn")
    srv = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port], env=env,
                           stderr=log, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)

        status, _ = valid_request(port)
        check("a valid request answers before the flood", status.endswith("200 OK"), status)

        # Early token check: the body is promised but never sent.
        status, secs = raw(port, ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                  "Authorization: Bearer wrong\r\nContent-Type: application/json"
                                  "\r\nContent-Length: 1000\r\n\r\n" % port).encode(), 5)
        check("wrong token refused on its headers, body never sent", " 401 " in status,
              (status, secs))
        status, _ = valid_request(port, ["Authorization: Bearer " + TOKEN] * 2)
        check("two Authorization headers (both correct) get 401", " 401 " in status, status)
        ping = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"})
        status, _ = raw(port, ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: "
                               "Bearer %s\r\nContent-Type: application/json\r\n"
                               "Accept: application/json, text/event-stream\r\n"
                               "Content-Length: %d\r\nContent-Length: 9999\r\n\r\n%s"
                               % (port, TOKEN, len(ping), ping)).encode(), 5)
        check("conflicting Content-Length headers get 400", " 400 " in status, status)

        flood = Flood(port)
        flood.start()
        t0 = time.monotonic()
        marks = [1, FLOOD_S / 2, FLOOD_S - 2]
        for m in marks:
            delay = t0 + m - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status, secs = valid_request(port)
            check("a valid request answers %d s into %d slow connections" % (m, FLOOD),
                  status.endswith("200 OK"), (status, "%.1f s" % secs))
        time.sleep(max(0, t0 + FLOOD_S - time.monotonic()))
        flood.finish()
        # Connections the server held and then closed (not refused at once for want of a slot).
        lt = [x for x in flood.lifetimes if x >= DEADLINE_S - 1]
        check("the server closed every held trickling connection (absolute deadline)",
              len(lt) >= FLOOD, (len(lt), len(flood.lifetimes)))
        check("every trickling connection closed within the deadline + 5 s",
              lt and max(lt) < DEADLINE_S + 5, max(lt) if lt else None)
        status, _ = valid_request(port)
        check("a valid request answers after the flood", status.endswith("200 OK"), status)
        check("the server is still running", srv.poll() is None)
    finally:
        srv.terminate()
        try:
            srv.wait(timeout=20)
        except subprocess.TimeoutExpired:
            srv.kill()
        log.close()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
