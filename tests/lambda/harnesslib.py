"""Starts tests/lambda/harness.py for Python tests and benchmarks, and talks to it."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "harness.py")


class Harness:
    """A running harness. Use as a context manager; stop() kills it and its runtime."""

    def __init__(self, cmd, auth="NONE", env=None, log=None, timeout_ms=None, eager=False,
                 extra=()):
        args = [sys.executable, HARNESS, "--auth", auth, "--exit-on-stdin-eof"]
        if log:
            args += ["--log", log]
        if timeout_ms:
            args += ["--timeout-ms", str(timeout_ms)]
        if eager:
            args.append("--eager")
        for k, v in (env or {}).items():
            args += ["--env", "%s=%s" % (k, v)]
        args += list(extra) + ["--"] + list(cmd)
        self.log = log
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("harness did not start")
        self.info = json.loads(line)
        self.url = self.info["url"]
        self.control = self.info["control"]
        self.invoke_url = self.info["invoke_url"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _post(self, url, body, headers=None, timeout=120):
        data = body if isinstance(body, bytes) else (
            body.encode() if isinstance(body, str) else json.dumps(body).encode())
        req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers.items()), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers.items()), e.read()

    def state(self):
        with urllib.request.urlopen(self.control + "/state", timeout=60) as r:
            return json.loads(r.read())

    def faults(self, **f):
        self._post(self.control + "/faults", f)

    def config(self, **c):
        self._post(self.control + "/config", c)

    def invoke(self, event, timeout_ms=None):
        """Direct invoke: returns (function_error_type or None, body bytes)."""
        headers = {"X-Harness-Timeout-Ms": str(timeout_ms)} if timeout_ms else {}
        status, h, body = self._post(self.invoke_url, event, headers)
        fe = {k.lower(): v for k, v in h.items()}
        return (fe.get("x-harness-error-type") if "x-amz-function-error" in fe else None), body

    def mcp(self, message, version="2025-06-18", extra_headers=None):
        """POSTs one MCP message to the Function URL: (status, headers, body bytes)."""
        headers = {"Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream",
                   "MCP-Protocol-Version": version}
        headers.update(extra_headers or {})
        return self._post(self.url, message, headers)

    def wait_exit_count(self, n, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            st = self.state()
            if len(st["exits"]) >= n:
                return st
            time.sleep(0.05)
        return self.state()

    def log_lines(self):
        out = []
        try:
            with open(self.log, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        out.append({"unparsed": line})
        except OSError:
            pass
        return out


class Runner:
    """Counts checks; failures print both sides."""

    def __init__(self, title):
        self.passed = self.failed = 0
        print("# " + title, flush=True)

    def check(self, name, ok, detail=None):
        if ok:
            self.passed += 1
            print("ok   " + name, flush=True)
        else:
            self.failed += 1
            d = "" if detail is None else ": " + str(detail)[:800]
            print("FAIL " + name + d, flush=True)
        return ok

    def eq(self, name, got, want):
        return self.check(name, got == want, "got %r, want %r" % (got, want))

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 1 if self.failed or not self.passed else 0
