#!/usr/bin/env python3
"""Proof under stress (issue 9, item 8): memory and descriptors stay flat.

  stdio  100,000 requests through `awscli-mcp stdio` in one process: ping, tools/list,
         tools/call with attack-corpus commands (refused, no process), malformed JSON,
         unknown methods, oversized ids. Samples VmRSS and open descriptors of the server
         every 5,000 answers.
  wrk    `awscli-mcp serve` under wrk, 64 connections for 60 s (tools/list, keep-alive),
         sampling VmRSS and descriptors every 2 s; counts wrk's errors and non-2xx answers.

Writes bench/out/stdio_soak.dat and bench/out/http_wrk.dat (columns: x, RSS KiB, fds) and
prints Markdown tables for docs/benchmarks.md. Plot with: gnuplot bench/stress.gnuplot
Usage: bench/stress.py [stdio|wrk|all] [--requests N] [--seconds S]
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(SRC, "build", "awscli-mcp"))
FAKE = os.path.join(SRC, "build", "helpers", "fake_aws")
OUT = os.path.join(HERE, "out")


def sample(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def attack_commands():
    cmds = []
    d = os.path.join(SRC, "tests", "data", "attacks")
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name)) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                o = json.loads(line)
                if "pad" not in o and "words" not in o:
                    cmds.append(o["cmd"])
    return cmds


def stdio(n):
    env = dict(os.environ, AWSCLI_MCP_AWS_CLI=FAKE, AWSCLI_MCP_ENGINE="cli", AWSCLI_MCP_LOG_LEVEL="off")
    p = subprocess.Popen([BIN, "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    attacks = attack_commands()
    kinds = []

    def req(i):
        k = i % 6
        if k == 0:
            return {"jsonrpc": "2.0", "id": i, "method": "ping"}
        if k == 1:
            return {"jsonrpc": "2.0", "id": i, "method": "tools/list"}
        if k in (2, 3):
            return {"jsonrpc": "2.0", "id": i, "method": "tools/call",
                    "params": {"name": "run_aws_cli",
                               "arguments": {"command": attacks[i % len(attacks)]}}}
        if k == 4:
            return {"jsonrpc": "2.0", "id": "x" * 1000 + str(i), "method": "no/such"}
        return None  # malformed JSON

    def writer():
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "soak", "version": "1"}}}
        p.stdin.write((json.dumps(init) + "\n").encode())
        p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        for i in range(1, n + 1):
            r = req(i)
            line = json.dumps(r) if r else '{"jsonrpc":"2.0","id":%d,"method":' % i
            p.stdin.write((line + "\n").encode())
        p.stdin.close()

    t = threading.Thread(target=writer, daemon=True)
    t0 = time.monotonic()
    t.start()
    rows = [(0,) + sample(p.pid)]
    answered = errors = 0
    for line in p.stdout:
        answered += 1
        msg = json.loads(line)
        if "error" in msg and msg["error"].get("code") not in (-32601, -32700, -32600):
            errors += 1
        if answered % 5000 == 0 and p.poll() is None:
            rows.append((answered,) + sample(p.pid))
    p.wait()
    secs = time.monotonic() - t0
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "stdio_soak.dat"), "w") as f:
        f.write("# answers rss_kib fds\n")
        for r in rows:
            f.write("%d %d %d\n" % r)
    print("stdio: %d requests, %d answers (+initialize), %d unexpected errors, %.1f s, "
          "exit %d" % (n, answered, errors, secs, p.returncode))
    print()
    print("| answers | RSS (KiB) | open fds |")
    print("|---|---|---|")
    for r in rows[:: max(1, len(rows) // 10)] + ([rows[-1]] if len(rows) % 10 else []):
        print("| %d | %d | %d |" % r)


def wrk(secs):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, AWSCLI_MCP_AWS_CLI=FAKE, AWSCLI_MCP_ENGINE="cli", AWSCLI_MCP_LOG_LEVEL="warn")
    srv = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port], env=env,
                           stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    rows = [(0,) + sample(srv.pid)]
    w = subprocess.Popen(["wrk", "-t2", "-c64", "-d%ds" % secs, "--latency", "-s",
                          os.path.join(HERE, "http_latency_tools_list.lua"),
                          "http://127.0.0.1:%d/mcp" % port], stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while w.poll() is None:
        time.sleep(2)
        rows.append((round(time.monotonic() - t0),) + sample(srv.pid))
    out = w.stdout.read()
    time.sleep(1)
    rows.append((round(time.monotonic() - t0),) + sample(srv.pid))
    srv.terminate()
    srv.wait(timeout=30)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "http_wrk.dat"), "w") as f:
        f.write("# seconds rss_kib fds\n")
        for r in rows:
            f.write("%d %d %d\n" % r)
    reqs = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    print("wrk -t2 -c64 -d%ds tools/list: %s requests, %s req/s, p99 %s, non-2xx %s, "
          "socket errors: %s; server exit %d" % (
              secs, reqs.group(1) if reqs else "?", rps.group(1) if rps else "?",
              p99.group(1) if p99 else "?", non2xx.group(1) if non2xx else "0",
              sock.group(1) if sock else "none", srv.returncode))
    print()
    print("| s | RSS (KiB) | open fds |")
    print("|---|---|---|")
    for r in rows[:: max(1, len(rows) // 10)] + [rows[-1]]:
        print("| %d | %d | %d |" % r)


def main():
    what = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "all"
    n = int(sys.argv[sys.argv.index("--requests") + 1]) if "--requests" in sys.argv else 100000
    s = int(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 60
    if what in ("stdio", "all"):
        stdio(n)
    if what in ("wrk", "all"):
        print()
        wrk(s)


if __name__ == "__main__":
    main()
