#!/usr/bin/env python3
"""Proof under stress and faults (issue 9, item 8).

- valgrind memcheck on the stdio path and on the Lambda path, fed hostile input (the attack
  corpus, malformed and deeply nested JSON, invalid UTF-8, batches, huge ids, real CLI runs of
  the fake CLI): no memcheck error, no definite leak. Skipped in the sanitizer build.
- Faults of the CLI, over stdio: missing and not executable (after start), killed by a signal,
  printing gigabytes, never exiting, closing stdout early; a full /tmp (a 64 KiB tmpfs as
  $TMPDIR: with no room for the private HOME it falls back to /tmp; with room for the HOME
  but not for what the CLI writes there, the CLI's error is shown). The server answers every
  call with a clear result and keeps serving, with no zombie.
- run_aws_cli beyond the concurrency limit against moto, over HTTP: 12 real CLI calls at once
  with --max-concurrent 2: every call answers, the extra ones "Busy"; afterwards no child
  process is left and the descriptor count is where it was.
"""

import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
BUILD_DIR = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN") or os.path.join(BUILD_DIR, "awscli-mcp")
HELPERS = os.environ.get("HELPERS_DIR", os.path.join(BUILD_DIR, "helpers"))
FAKE = os.path.join(HELPERS, "fake_aws")
SANITIZE = os.environ.get("SANITIZE", "0") in ("1", "ON", "TRUE", "true")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Harness  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, summary  # noqa: E402

TMP = tempfile.mkdtemp(prefix="stress-faults-")



def init_msgs():
    return [{"jsonrpc": "2.0", "id": 0, "method": "initialize",
             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": {"name": "stress", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"}]


def call(i, cmd):
    return {"jsonrpc": "2.0", "id": i, "method": "tools/call",
            "params": {"name": "run_aws_cli", "arguments": {"command": cmd}}}


def hostile_lines():
    lines = [json.dumps(m) for m in init_msgs()]
    d = os.path.join(SOURCE_DIR, "tests", "data", "attacks")
    i = 1
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name)) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                o = json.loads(line)
                cmd = o["cmd"] + "a" * min(o.get("pad", 0), 20000) + " w" * min(
                    o.get("words", 0), 300)
                lines.append(json.dumps(call(i, cmd)))
                i += 1
    lines += [
        '{"jsonrpc":"2.0","id":1,"method":',
        "[" * 5000 + "]" * 5000,
        '{"jsonrpc":"2.0","id":2,"method":"ping","params":{"a":"\xff\xfe"}}',
        '[{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":4,"method":"x"}]',
        json.dumps({"jsonrpc": "2.0", "id": "i" * 100000, "method": "ping"}),
        json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                    "params": {"name": "run_aws_cli", "arguments": {"command": 5}}}),
        json.dumps({"jsonrpc": "2.0", "id": 6, "method": "tools/call",
                    "params": {"name": "nope", "arguments": {}}}),
        json.dumps(call(7, "logs describe-log-groups")),
        json.dumps(call(8, "logs get-flood --bytes 300000")),
        json.dumps(call(9, "logs get-fail")),
        json.dumps({"jsonrpc": "2.0", "id": 10, "method": "ping"}),
    ]
    return lines


def valgrind_log_ok(path):
    with open(path, errors="replace") as f:
        text = f.read()
    errors = "ERROR SUMMARY: 0 errors" in text
    leaks = "definitely lost: 0 bytes" in text or "All heap blocks were freed" in text
    return errors, leaks, text[-1500:]


VG = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--trace-children=no",
      "--errors-for-leak-kinds=definite"]


def test_valgrind():
    if SANITIZE or not shutil.which("valgrind"):
        print("skipped: valgrind (sanitizer build or no valgrind)")
        return
    log = os.path.join(TMP, "vg-stdio.log")
    env = dict(os.environ, AWSCLI_MCP_AWS_CLI=FAKE, AWSCLI_MCP_ENGINE="cli",
               AWSCLI_MCP_LOG_LEVEL="off", TMPDIR=TMP)
    data = ("\n".join(hostile_lines()) + "\n").encode("utf-8", "surrogateescape")
    p = subprocess.run(VG + ["--log-file=" + log, BIN, "stdio"], input=data,
                       capture_output=True, env=env, timeout=600)
    answers = p.stdout.count(b"\n")
    errors, leaks, tail = valgrind_log_ok(log)
    check("valgrind stdio: exit 0 (no memcheck error)", p.returncode == 0, (p.returncode, tail))
    check("valgrind stdio: 0 errors, no definite leak", errors and leaks, tail)
    check("valgrind stdio: every request answered", answers > 250, answers)

    log = os.path.join(TMP, "vg-lambda.log")
    with Harness(VG + ["--log-file=" + log, BIN], env={"AWSCLI_MCP_AWS_CLI": FAKE,
                                                       "AWSCLI_MCP_ENGINE": "cli",
                                                       "TMPDIR": TMP, "AWS_REGION": "us-east-1"},
                 log=os.path.join(TMP, "vg-lambda-runtime.log"), eager=True) as h:
        answered = 0
        for line in hostile_lines()[2:80]:
            err, body = h.invoke(line.encode("utf-8", "surrogateescape"))
            answered += err is None
        status, _, body = h.mcp(call(1, "logs describe-log-groups --debug"))
        check("valgrind lambda: a Function URL call is refused", b"Refused" in body, body[:200])
        err, body = h.invoke({"version": "2.0", "rawPath": "/mcp", "body": "\xff" * 10,
                              "isBase64Encoded": True, "requestContext": {"http": {}}})
        check("valgrind lambda: hostile invocations answered", answered >= 70, answered)
        h.faults(next_close=10)  # the Runtime API goes away for good: the runtime exits
        h.invoke(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        st = h.wait_exit_count(1, timeout=120)
        check("valgrind lambda: the runtime exited (so leaks are checked)", len(st["exits"]) == 1,
              st)
    errors, leaks, tail = valgrind_log_ok(log)
    check("valgrind lambda: 0 errors, no definite leak", errors and leaks, tail)


class Stdio:
    def __init__(self, env, args=()):
        self.p = subprocess.Popen([BIN, "stdio", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for m in init_msgs():
            self.send(m)
        self.p.stdout.readline()

    def send(self, m):
        self.p.stdin.write((json.dumps(m) + "\n").encode())
        self.p.stdin.flush()

    def call(self, cmd, i=1):
        self.send(call(i, cmd))
        msg = json.loads(self.p.stdout.readline())
        res = msg.get("result", {})
        return res, "\n".join(c.get("text", "") for c in res.get("content", []))

    def children(self):
        out = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(self.p.pid)],
                             capture_output=True, text=True).stdout
        return [line for line in out.splitlines() if line.strip()]

    def rss_kib(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=30)


def script(name, body):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def test_cli_faults():
    # Scripts stand in for the AWS CLI: the native engine stays out (--engine cli).
    env = dict(os.environ, TMPDIR=TMP, AWSCLI_MCP_LOG_LEVEL="error", AWSCLI_MCP_TIMEOUT_S="3",
               AWSCLI_MCP_ENGINE="cli")
    cases = [
        ("killed by a signal", "kill -9 $$", lambda r, t: r["isError"] and "137" in t),
        ("printing gigabytes", "exec head -c 2000000000 /dev/zero",
         lambda r, t: r["structuredContent"]["truncated"] and "Output truncated" in t),
        ("never exiting", "exec sleep 1000", lambda r, t: r["isError"] and "within 3 s" in t),
        ("closing stdout early", "exec >&- 2>&-; sleep 1; exit 0",
         lambda r, t: not r["isError"] and r["structuredContent"]["stdout"] == ""),
    ]
    for name, body, ok in cases:
        s = Stdio(dict(env, AWSCLI_MCP_AWS_CLI=script("aws-" + name.replace(" ", "-"), body)))
        res, text = s.call("logs describe-log-groups")
        check("CLI %s: a clear result" % name, ok(res, text), (res.get("isError"), text[:300]))
        res2, _ = s.call("logs describe-log-groups", 2)
        check("CLI %s: the server keeps serving" % name, "content" in res2, res2)
        check("CLI %s: no child left" % name, s.children() == [], s.children())
        if name == "printing gigabytes":
            # AddressSanitizer's shadow memory and quarantine weigh more than the server.
            cap = 262144 if SANITIZE else 65536
            check("CLI printing gigabytes: server RSS bounded (< %d MiB)" % (cap // 1024),
                  s.rss_kib() < cap, s.rss_kib())
        check("CLI %s: clean exit" % name, s.close() == 0)

    path = script("aws-vanishing", "echo '{}'")
    s = Stdio(dict(env, AWSCLI_MCP_AWS_CLI=path))
    res, text = s.call("logs describe-log-groups")
    check("CLI present at start: runs", not res.get("isError"), text)
    os.chmod(path, 0o644)
    res, text = s.call("logs describe-log-groups", 2)
    check("CLI no longer executable: clear result", res.get("isError") and
          "Permission denied" in text, text)
    os.unlink(path)
    res, text = s.call("logs describe-log-groups", 3)
    check("CLI missing: clear result", res.get("isError") and "No such file" in text, text)
    check("CLI missing: clean exit", s.close() == 0)

    # A full /tmp: a 64 KiB tmpfs with few inodes (needs mount, i.e. root).
    mnt = os.path.join(TMP, "full")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=4", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("skipped: full /tmp (cannot mount a tmpfs here)")
        return
    try:
        with open(os.path.join(mnt, "fill"), "wb") as f:
            try:
                f.write(b"x" * 1024 * 1024)
            except OSError:
                pass
        while True:  # use up the inodes too
            try:
                os.mkdir(os.path.join(mnt, "d%d" % len(os.listdir(mnt))))
            except OSError:
                break
        # A full $TMPDIR: the private HOME goes to /tmp instead, and the server serves.
        s = Stdio(dict(env, TMPDIR=mnt, AWSCLI_MCP_AWS_CLI=script("aws-home", 'echo "$HOME"')))
        res, text = s.call("logs describe-log-groups")
        check("full $TMPDIR: the private HOME falls back to /tmp and calls run",
              not res.get("isError") and text.startswith("/tmp/awscli-mcp-home-"), text)
        check("full $TMPDIR: clean exit", s.close() == 0)
        # Room for the HOME but not for what the CLI writes there.
        os.rmdir(os.path.join(mnt, sorted(x for x in os.listdir(mnt) if x.startswith("d"))[-1]))
        os.rmdir(os.path.join(mnt, sorted(x for x in os.listdir(mnt) if x.startswith("d"))[-1]))
        writer = script("aws-writer", 'echo cache > "$HOME/cache.json" || '
                        '{ echo "cannot write the cache" >&2; exit 255; }; echo "{}"')
        s = Stdio(dict(env, TMPDIR=mnt, AWSCLI_MCP_AWS_CLI=writer))
        res, text = s.call("logs describe-log-groups")
        check("full /tmp: the CLI's write error is shown", res.get("isError") and
              "cannot write the cache" in text, text)
        check("full /tmp: clean exit", s.close() == 0)
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def test_concurrency_moto():
    state = os.path.join(TMP, "moto")
    url = subprocess.run(["bash", os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh"), "start",
                          state, "--no-seed"], capture_output=True, text=True, timeout=120)
    if url.returncode != 0:
        check("moto started", False, url.stderr)
        return
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, TMPDIR=TMP, AWSCLI_MCP_AWS_CLI="/usr/bin/aws",
               AWSCLI_MCP_ENDPOINT_URL=url.stdout.strip(), AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWSCLI_MCP_LOG_LEVEL="error", AWSCLI_MCP_ENGINE="cli")  # the CLI's processes
    srv = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port,
                            "--max-concurrent", "2"], env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.05)

        def post(i):
            req = urllib.request.Request(
                "http://127.0.0.1:%d/mcp" % port, method="POST",
                data=json.dumps(call(i, "logs describe-log-groups")).encode(),
                headers={"Content-Type": "application/json",
                         "Accept": "application/json, text/event-stream",
                         "MCP-Protocol-Version": "2025-11-25"})
            with urllib.request.urlopen(req, timeout=120) as r:
                res = json.loads(r.read())["result"]
            return res.get("isError"), res["content"][0]["text"]

        before = fd_count(srv.pid)
        with concurrent.futures.ThreadPoolExecutor(12) as ex:
            results = list(ex.map(post, range(12)))
        busy = [t for e, t in results if e and t.startswith("Busy")]
        ran = [t for e, t in results if not e]
        check("beyond the limit: every call answered", len(results) == 12, len(results))
        check("beyond the limit: some ran, the rest were Busy", len(ran) >= 2 and busy and
              len(ran) + len(busy) == 12, [t[:60] for _, t in results])
        time.sleep(0.5)
        kids = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(srv.pid)],
                              capture_output=True, text=True).stdout.strip()
        check("beyond the limit: no child or zombie left", kids == "", kids)
        check("beyond the limit: no descriptor leaked", fd_count(srv.pid) <= before,
              (before, fd_count(srv.pid)))
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        subprocess.run(["bash", os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh"), "stop",
                        state], capture_output=True, timeout=60)


def main():
    try:
        test_valgrind()
        test_cli_faults()
        test_concurrency_moto()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
