#!/usr/bin/env python3
"""The native engine against the AWS CLI, in one run, against the same moto (issue 13).

Four commands (the seed's: docs/engine.md) are run through awscli-mcp's run_aws_cli:

  native   one long-lived `awscli-mcp stdio` server with AWSCLI_MCP_ENGINE=native
  cli      the same server with AWSCLI_MCP_ENGINE=cli (the real /usr/bin/aws per call)
  curl     `curl --aws-sigv4` making the same request to the same endpoint, one process per
           request (what a shell user would write), and the same requests over one kept-alive
           connection (one curl process, `--next`), per request

and, through the Lambda harness (tests/lambda/harness.py: Runtime API emulator + Function URL
front door), the cold start (process start to the first run_aws_cli reply) and warm
run_aws_cli round trips, native vs cli.

Every native reply is checked against the cli reply of the same command (stdout, stderr,
exitCode identical), so the speed is for the same bytes. Reports medians (p90) and the
native server's peak RSS (VmHWM) over the whole native suite. Prints Markdown.

Environment: AWSCLI_MCP_BIN (default build/awscli-mcp), BENCH_RUNS (native and curl runs per
command, default 50), BENCH_CLI_RUNS (cli runs per command, default 5).
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "lambda"))
from harnesslib import Harness  # noqa: E402

BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(SRC, "build", "awscli-mcp"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
CLI_RUNS = int(os.environ.get("BENCH_CLI_RUNS", "5"))

COMMANDS = [
    # (command, service, X-Amz-Target or None, request body)
    ("logs describe-log-groups", "logs", "Logs_20140328.DescribeLogGroups", "{}"),
    ("logs filter-log-events --log-group-name /aws/lambda/my-function --limit 10", "logs",
     "Logs_20140328.FilterLogEvents",
     '{"logGroupName": "/aws/lambda/my-function", "limit": 10}'),
    ("cloudwatch list-metrics --namespace AWS/Lambda", "monitoring", None,
     "Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FLambda"),
    ("cloudwatch describe-alarms", "monitoring", None, "Action=DescribeAlarms&Version=2010-08-01"),
]


def med(xs):
    return statistics.median(xs)


def p90(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]


def fmt(xs):
    return "%.2f ms (%.2f)" % (med(xs), p90(xs)) if xs else "-"


class Stdio:
    """One `awscli-mcp stdio` server; JSON-RPC over its pipes."""

    def __init__(self, env):
        # stderr (an audit line per call) is not what is measured.
        self.p = subprocess.Popen([BIN, "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env)
        self.n = 0
        self.rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                "clientInfo": {"name": "engine-bench", "version": "1"}})
        self.p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        self.p.stdin.flush()

    def rpc(self, method, params):
        self.n += 1
        self.p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": self.n, "method": method,
                                        "params": params}) + "\n").encode())
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def call(self, command):
        t0 = time.perf_counter()
        rep = self.rpc("tools/call", {"name": "run_aws_cli", "arguments": {"command": command}})
        ms = (time.perf_counter() - t0) * 1000
        return ms, rep["result"]["structuredContent"]

    def peak_rss_kib(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def curl_args(endpoint, service, target, body):
    a = ["--aws-sigv4", "aws:amz:us-east-1:%s" % service, "--user", "test:test", "-s",
         "-o", "/dev/null", "-w", "%{http_code} %{time_total}\n", "-d", body]
    if target:
        a += ["-H", "X-Amz-Target: " + target, "-H", "Content-Type: application/x-amz-json-1.1"]
    else:
        a += ["-H", "Content-Type: application/x-www-form-urlencoded; charset=utf-8"]
    return a + [endpoint + "/"]


def curl_process(endpoint, service, target, body):
    """Wall time of one curl process per request."""
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        r = subprocess.run(["curl"] + curl_args(endpoint, service, target, body),
                           capture_output=True, text=True, check=True)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.stdout.startswith("200 "), r.stdout
    return out


def curl_keepalive(endpoint, service, target, body):
    """time_total of each request of one curl process reusing its connection."""
    argv = ["curl"]
    for i in range(RUNS):
        argv += (["--next"] if i else []) + curl_args(endpoint, service, target, body)
    r = subprocess.run(argv, capture_output=True, text=True, check=True)
    times = []
    for line in r.stdout.split("\n"):
        if line:
            code, t = line.split()
            assert code == "200", line
            times.append(float(t) * 1000)
    return times[1:]  # the first pays the connection


HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}


def lambda_phase(env, engine, command, runs):
    """Cold start to the first run_aws_cli reply, then warm round trips."""
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "run_aws_cli", "arguments": {"command": command}}}
    with Harness([BIN], env=dict(env, AWSCLI_MCP_ENGINE=engine),
                 log=os.path.join(tempfile.mkdtemp(prefix="engine-bench-"), "rt.log")) as h:
        u = urlsplit(h.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        times = []
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            conn.request("POST", u.path or "/", json.dumps(call).encode(), HEADERS)
            res = conn.getresponse()
            doc = json.loads(res.read())
            times.append((time.perf_counter() - t0) * 1000)
            sc = doc["result"]["structuredContent"]
            assert sc["exitCode"] == 0 and sc.get("engine") == engine, doc
        return times[0], times[1:]


def main():
    tmp = tempfile.mkdtemp(prefix="engine-bench-")
    moto_dir = os.path.join(tmp, "moto")
    started = subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "start",
                              moto_dir], capture_output=True, text=True, timeout=400)
    if started.returncode != 0:
        print("moto did not start: " + started.stderr)
        return 1
    endpoint = started.stdout.strip().splitlines()[-1]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_EC2_METADATA_DISABLED": "true", "AWSCLI_MCP_AWS_CLI": "/usr/bin/aws",
           "AWSCLI_MCP_ENDPOINT_URL": endpoint, "AWSCLI_MCP_LOG_LEVEL": "warn"}
    rows, lam = [], []
    try:
        native = Stdio(dict(env, AWSCLI_MCP_ENGINE="native"))
        cli = Stdio(dict(env, AWSCLI_MCP_ENGINE="cli"))
        for command, service, target, body in COMMANDS:
            _, want = cli.call(command)
            assert want["exitCode"] == 0 and want["engine"] == "cli", want
            _, got = native.call(command)  # warm-up: connection, credentials
            for k in ("stdout", "stderr", "exitCode"):
                assert got[k] == want[k], (command, k, got[k], want[k])
            assert got["engine"] == "native", got
            nat = [native.call(command)[0] for _ in range(RUNS)]
            clis = [cli.call(command)[0] for _ in range(CLI_RUNS)]
            rows.append((command, nat, clis, curl_process(endpoint, service, target, body),
                         curl_keepalive(endpoint, service, target, body)))
        rss = native.peak_rss_kib()
        native.close()
        cli.close()
        for engine, runs in (("native", RUNS), ("cli", CLI_RUNS)):
            lam.append((engine,) + lambda_phase(env, engine, COMMANDS[0][0], runs))
    finally:
        subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "stop", moto_dir],
                       capture_output=True, timeout=30)

    print("run_aws_cli round trips through one `awscli-mcp stdio` server against moto, medians "
          "(p90); native %d runs, cli %d runs, curl %d runs per command. Every native reply was "
          "checked byte for byte against the cli reply." % (RUNS, CLI_RUNS, RUNS))
    print()
    print("| command | native | cli (AWS CLI) | cli / native | curl --aws-sigv4, a process "
          "per request | curl, kept-alive connection |")
    print("|---|---|---|---|---|---|")
    for command, nat, clis, cp, ck in rows:
        print("| `%s` | %s | %s | %.0fx | %s | %s |" % (
            command, fmt(nat), fmt(clis), med(clis) / med(nat), fmt(cp), fmt(ck)))
    print()
    print("Peak RSS of the native server over the whole suite (%d calls): %.1f MiB." % (
        len(rows) * (RUNS + 1), rss / 1024))
    print()
    print("Through the Lambda harness (`%s`): cold start = process start to the first "
          "run_aws_cli reply; warm = the following round trips." % COMMANDS[0][0])
    print()
    print("| engine | cold start + first call | warm run_aws_cli |")
    print("|---|---|---|")
    for engine, cold, warm in lam:
        print("| %s | %.0f ms | %s |" % (engine, cold, fmt(warm)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
