#!/usr/bin/env python3
"""Lambda benchmark: awscli-mcp as a custom runtime vs AWS's own Lambda MCP library.

Both run behind the same harness (tests/lambda/harness.py: Runtime API emulator + Function URL
front door, which starts each runtime process like Lambda does), in the same run:

  ours      awscli-mcp, started with no arguments (AWS_LAMBDA_RUNTIME_API selects lambda mode)
  baseline  @aws/run-mcp-servers-with-aws-lambda 0.5.21: LambdaFunctionURLEventHandler around a
            StdioServerAdapterRequestHandler (tests/lambda/baseline_handler.mjs), which starts
            a stdio MCP server written with the official SDK exposing the same run_aws_cli tool
            shape (tests/lambda/baseline_server.mjs) for every request; the handler runs under
            tests/lambda/node_bootstrap.mjs, a minimal Node runtime loop.

Measured per request, after one warm-up request per runtime (the cold start is reported apart):
  round trip   client POST to the Function URL front door -> full HTTP reply (one keep-alive
               connection, Python http.client)
  in runtime   the emulator's clock from handing the event out (GET /next answered) to the
               reply fully received (POST /response): "event in to response posted"
  loop overhead  in runtime minus the tool's own child-process time (structuredContent.
               durationMs, ms resolution) for run_aws_cli; equal to in-runtime for tools/list

run_aws_cli runs the real AWS CLI v2 (/usr/bin/aws) against moto (tests/lib/moto.sh).
Cold start: a new harness and runtime process for each, until the first tools/list reply (the
first of them is the one the warm measurements then go on with).
Environment: BENCH_RUNS (tools/list requests per runtime, default 40), BENCH_CLI_RUNS
(run_aws_cli requests, default 8), BENCH_COLD (cold starts per runtime, default 10). Prints
Markdown.
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

NODE_DIR = os.environ.get("NODE_DIR", os.path.join(SRC, "tests", "node"))
NODE = os.path.join(NODE_DIR, "node_modules", ".bin", "node")
BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(SRC, "build", "awscli-mcp"))
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
CLI_RUNS = int(os.environ.get("BENCH_CLI_RUNS", "8"))
COLD = max(1, int(os.environ.get("BENCH_COLD", "10")))
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
CALL = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "run_aws_cli", "arguments": {"command": "logs describe-log-groups"}}}


class Client:
    def __init__(self, url):
        u = urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
        self.path = u.path or "/"

    def post(self, msg):
        body = json.dumps(msg).encode()
        t0 = time.perf_counter()
        self.conn.request("POST", self.path, body, HEADERS)
        res = self.conn.getresponse()
        data = res.read()
        ms = (time.perf_counter() - t0) * 1000
        if res.status != 200:
            raise RuntimeError("HTTP %d: %s" % (res.status, data[:300]))
        return ms, json.loads(data)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def measure(name, h, cli):
    c = Client(h.url)
    out = {"name": name}
    t0 = time.perf_counter()
    c.post(LIST)  # cold: starts the runtime process
    out["cold_ms"] = [(time.perf_counter() - t0) * 1000]
    c.post(LIST)
    skip = len(h.state()["invocations"])
    rts = []
    for _ in range(RUNS):
        ms, doc = c.post(LIST)
        assert any(t["name"] == "run_aws_cli" for t in doc["result"]["tools"]), doc
        rts.append(ms)
    inv = h.state()["invocations"][skip:]
    out["list_rt"] = rts
    out["list_in"] = [i["runtime_us"] / 1000 for i in inv]
    skip += len(inv)
    rts, tool_ms = [], []
    for _ in range(CLI_RUNS if cli else 0):
        ms, doc = c.post(CALL)
        res = doc["result"]
        assert not res.get("isError") and "/aws/lambda/my-function" in res["content"][0]["text"], \
            doc
        rts.append(ms)
        tool_ms.append(res["structuredContent"]["durationMs"])
    inv = h.state()["invocations"][skip:]
    out["cli_rt"] = rts
    out["cli_in"] = [i["runtime_us"] / 1000 for i in inv]
    out["cli_tool"] = tool_ms
    out["cli_overhead"] = [a - b for a, b in zip(out["cli_in"], tool_ms)]
    return out


def more_cold_starts(out, cmd, env, tmp):
    """COLD - 1 more cold starts, each with its own harness and runtime process."""
    for i in range(COLD - 1):
        with Harness(cmd, env=env, log=os.path.join(tmp, "cold-%d.log" % i)) as h:
            c = Client(h.url)
            t0 = time.perf_counter()
            c.post(LIST)
            out["cold_ms"].append((time.perf_counter() - t0) * 1000)


def our_log_us(log):
    us = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if d.get("message") == "invocation" and "durationUs" in d:
                us.append(d["durationUs"] / 1000)
    return us


def main():
    tmp = tempfile.mkdtemp(prefix="lambda-bench-")
    moto_dir = os.path.join(tmp, "moto")
    started = subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "start",
                              moto_dir], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        print("moto did not start: " + started.stderr)
        return 1
    endpoint = started.stdout.strip().splitlines()[-1]
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
           "AWS_REGION": "us-east-1", "AWSCLI_MCP_AWS_CLI": "/usr/bin/aws",
           "AWSCLI_MCP_ENDPOINT_URL": endpoint, "AWS_LAMBDA_LOG_LEVEL": "INFO"}
    results = []
    try:
        ours_log = os.path.join(tmp, "ours.log")
        with Harness([BIN], env=env, log=ours_log) as h:
            results.append(measure("awscli-mcp (C custom runtime)", h, True))
        results[0]["log_ms"] = our_log_us(ours_log)
        more_cold_starts(results[0], [BIN], env, tmp)
        benv = dict(env, _HANDLER="baseline_handler.handler",
                    LAMBDA_TASK_ROOT=os.path.join(SRC, "tests", "lambda"), NODE_DIR=NODE_DIR,
                    PATH=os.path.dirname(NODE) + ":" + os.environ.get("PATH", ""))
        node_cmd = [NODE, os.path.join(SRC, "tests", "lambda", "node_bootstrap.mjs")]
        with Harness(node_cmd, env=benv, log=os.path.join(tmp, "baseline.log")) as h:
            results.append(measure("AWS run-mcp-servers-with-aws-lambda 0.5.21 (Node)", h, True))
        more_cold_starts(results[1], node_cmd, benv, tmp)
    finally:
        subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "stop", moto_dir],
                       capture_output=True, timeout=30)

    def f(xs):
        return "%.2f ms" % statistics.median(xs) if xs else "-"

    def p90(xs):
        return "%.2f ms" % pct(xs, 90) if xs else "-"

    print("Requests: %d x tools/list and %d x run_aws_cli `logs describe-log-groups` (real AWS "
          "CLI v2 against moto) per runtime, after one warm-up; medians (p90)." % (RUNS, CLI_RUNS))
    print()
    print("| runtime | request | round trip | in runtime (event in -> response posted) | "
          "runtime-loop overhead (without the tool) |")
    print("|---|---|---|---|---|")
    for r in results:
        print("| %s | cold start + tools/list (%d) | %s (%s) | | |" % (
            r["name"], len(r["cold_ms"]), f(r["cold_ms"]), p90(r["cold_ms"])))
        print("| %s | tools/list | %s (%s) | %s (%s) | %s |" % (
            r["name"], f(r["list_rt"]), p90(r["list_rt"]), f(r["list_in"]), p90(r["list_in"]),
            f(r["list_in"])))
        print("| %s | run_aws_cli | %s (%s) | %s (%s) | %s |" % (
            r["name"], f(r["cli_rt"]), p90(r["cli_rt"]), f(r["cli_in"]), p90(r["cli_in"]),
            f(r["cli_overhead"])))
    ours, base = results
    print()
    print("tools/list, baseline / ours: round trip %.0fx, in runtime %.0fx (target: 100x)." % (
        statistics.median(base["list_rt"]) / statistics.median(ours["list_rt"]),
        statistics.median(base["list_in"]) / statistics.median(ours["list_in"])))
    print("run_aws_cli, baseline / ours: round trip %.2fx; runtime-loop overhead %.1f ms vs "
          "%.2f ms." % (statistics.median(base["cli_rt"]) / statistics.median(ours["cli_rt"]),
                        statistics.median(base["cli_overhead"]),
                        statistics.median(ours["cli_overhead"])))
    if ours.get("log_ms"):
        print("awscli-mcp's own log (`durationUs`, from /next returning to /response answered, "
              "all invocations): median %.3f ms." % statistics.median(ours["log_ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
