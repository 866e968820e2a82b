#!/usr/bin/env python3
# ctest-timeout: 900
# ctest-cases: moto loopback
"""The native engine's whole pipeline (engine_run, through tests/helpers/engine_tool run)
against the real AWS CLI v2 (/usr/bin/aws), byte for byte: stdout, stderr and exit code.

  moto      moto (tests/lib/moto.sh), seeded with more log groups, streams, events, metrics
            and alarms than one page holds: single pages in json and text, --query with
            list, string, number and null results, paging over several pages (--page-size),
            --max-items then --starting-token round trips, --no-paginate, service errors, the
            output cap while paging, and 16 concurrent runs on one engine giving the same
            bytes as a serial run.
  loopback  endpoints on 127.0.0.1 written here: no region, a closed port (connection
            refused, retried), a server that closes the connection, one that throttles twice
            then answers, one that always throttles, 503s, AWS_MAX_ATTEMPTS, a silent one
            that the call's deadline stops, a read timeout, and a cancelled call.

Every command runs as the server runs the CLI: the words, then --endpoint-url, --no-cli-pager
and --output json when the command gives none, in the same environment as the engine.
"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

HELPERS = os.environ.get("HELPERS_DIR", os.path.join(SOURCE_DIR, "build", "helpers"))
TOOL = os.path.join(HELPERS, "engine_tool")
AWS = "/usr/bin/aws"
MOTO = os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh")
TMP = tempfile.mkdtemp(prefix="engine-run-")
HOME = os.path.join(TMP, "home")
os.makedirs(HOME)

BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": HOME,
    "LANG": "C.UTF-8",
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_PAGER": "",
    "AWS_CLI_AUTO_PROMPT": "off",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.path.join(TMP, "no-config"),
    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(TMP, "no-credentials"),
}
for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
    if k in os.environ:
        BASE_ENV[k] = os.environ[k]

r = Runner("engine_run against the AWS CLI: " + " ".join(sys.argv[1:]))


def env_for(extra=None, drop=()):
    env = dict(BASE_ENV)
    env.update(extra or {})
    for k in drop:
        env.pop(k, None)
    return env


def cli(endpoint, words, env):
    argv = [AWS] + words + ["--endpoint-url", endpoint, "--no-cli-pager"]
    if "--output" not in words:
        argv += ["--output", "json"]
    p = subprocess.run(argv, capture_output=True, env=env, timeout=300)
    return {"exit": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
            "stderr": p.stderr.decode("utf-8", "replace")}


def engine(endpoint, words, env, mode="run", arg=None, extra=None):
    tenv = dict(env)
    tenv["ENGINE_ENDPOINT_URL"] = endpoint
    tenv.update(extra or {})
    argv = [TOOL, mode] + ([str(arg)] if arg is not None else []) + words
    p = subprocess.run(argv, capture_output=True, env=tenv, timeout=300)
    if p.returncode != 0:
        return [{"rc": "tool-failed", "reason": p.stderr.decode(errors="replace")}]
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def compare(name, endpoint, words, extra_env=None, drop=(), engine_env=None):
    """The CLI and the engine on the same command: the engine must answer natively, same bytes."""
    env = env_for(extra_env, drop)
    want = cli(endpoint, words, env)
    got = engine(endpoint, words, env, extra=engine_env)[0]
    if got.get("rc") != "ok":
        return r.check(name, False, "engine: %s %s" % (got.get("rc"), got.get("reason")))
    same = (got["exit"], got["stdout"], got["stderr"]) == \
        (want["exit"], want["stdout"], want["stderr"])
    return r.check("%s (exit %d, %d+%d bytes)" % (name, want["exit"], len(want["stdout"]),
                                                 len(want["stderr"])), same,
                   "\n  cli:    %r\n  engine: %r" % (want, got))


# ---- moto ------------------------------------------------------------------------------------

def seed_more(endpoint):
    """More data than a page holds, through the CLI's own driver (one process)."""
    now_ms = int(time.time()) * 1000
    groups = ["/engine/run/g%02d" % i for i in range(12)]
    steps = [["logs", "create-log-group", "--log-group-name", g] for g in groups]
    steps.append(["logs", "create-log-stream", "--log-group-name", groups[0],
                  "--log-stream-name", "s1"])
    steps.append(["logs", "create-log-stream", "--log-group-name", groups[0],
                  "--log-stream-name", "s2"])
    events = [{"timestamp": now_ms - 60000 + i, "message": "event %d caf\u00e9 \"q\"\ttab" % i}
              for i in range(25)]
    steps.append(["logs", "put-log-events", "--log-group-name", groups[0], "--log-stream-name",
                  "s1", "--log-events", json.dumps(events)])
    data = [{"MetricName": "M%02d" % i, "Value": 0.1 * i, "Unit": "Count",
             "Dimensions": [{"Name": "Fn", "Value": "f%d" % i}]} for i in range(15)]
    steps.append(["cloudwatch", "put-metric-data", "--namespace", "Engine/Run", "--metric-data",
                  json.dumps(data)])
    for i in range(7):
        steps.append(["cloudwatch", "put-metric-alarm", "--alarm-name", "engine-alarm-%d" % i,
                      "--namespace", "Engine/Run", "--metric-name", "M%02d" % i, "--statistic",
                      "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                      "--comparison-operator", "GreaterThanThreshold"])
    code = ("import sys, json\n"
            "from awscli.clidriver import create_clidriver\n"
            "d = create_clidriver()\n"
            "for s in json.loads(sys.argv[2]):\n"
            "    rc = d.main(['--endpoint-url', sys.argv[1], '--no-cli-pager', '--output',"
            " 'json'] + s)\n"
            "    if rc: sys.exit('seed step failed: %r' % s)\n")
    p = subprocess.run(["/usr/bin/python3", "-c", code, endpoint, json.dumps(steps)],
                       env=env_for(), capture_output=True, timeout=600)
    if p.returncode != 0:
        sys.exit("seeding failed: " + p.stderr.decode()[-2000:])
    return groups


def moto_single(ep, seed):
    g = seed["SEED_LOG_GROUP"]
    for words in (
        ["logs", "describe-log-groups", "--no-paginate"],
        ["logs", "describe-log-groups", "--no-paginate", "--output", "text"],
        ["logs", "describe-log-streams", "--log-group-name", g, "--no-paginate"],
        ["logs", "get-log-events", "--log-group-name", "/engine/run/g00", "--log-stream-name",
         "s1", "--limit", "5"],
        ["logs", "get-log-events", "--log-group-name", "/engine/run/g00", "--log-stream-name",
         "s1", "--limit", "5", "--output", "text"],
        ["logs", "filter-log-events", "--log-group-name", g, "--no-paginate", "--output", "text"],
        ["logs", "list-tags-log-group", "--log-group-name", g],
        ["cloudwatch", "describe-alarms", "--alarm-names", "my-function-errors", "--no-paginate"],
        ["cloudwatch", "describe-alarms", "--no-paginate", "--output", "text"],
        ["cloudwatch", "list-metrics", "--namespace", "AWS/Lambda", "--no-paginate"],
        ["sts", "get-caller-identity"],
        ["sts", "get-caller-identity", "--output", "text"],
    ):
        compare(" ".join(words[:2]) + " " + " ".join(words[2:])[:60], ep, words)


def moto_query(ep, seed):
    base = ["logs", "describe-log-groups", "--no-paginate"]
    for q in ("logGroups[].logGroupName", "logGroups[0].logGroupName", "length(logGroups)",
              "logGroups[0].nothing", "logGroups[?storedBytes > `0`].{n: logGroupName}",
              "logGroups[0]", "`{}`"):
        compare("--query %s" % q, ep, base + ["--query", q])
        compare("--query %s (text)" % q, ep, base + ["--query", q, "--output", "text"])
    compare("--query with a syntax error", ep, base + ["--query", "logGroups[0"])
    compare("--query with a syntax error and a missing option", ep,
            ["logs", "describe-log-streams", "--query", "a ^"])
    compare("sts --query Account", ep, ["sts", "get-caller-identity", "--query", "Account"])


def moto_errors(ep, seed):
    compare("service error (json)", ep, ["logs", "describe-log-streams", "--log-group-name",
                                         "/nope", "--no-paginate"])
    compare("service error (query protocol)", ep, ["cloudwatch", "get-dashboard",
                                                   "--dashboard-name", "nope"])
    compare("service error with AWS_MAX_ATTEMPTS=1", ep,
            ["logs", "get-log-events", "--log-group-name", "/nope", "--log-stream-name", "x"],
            extra_env={"AWS_MAX_ATTEMPTS": "1"})
    compare("missing required option", ep, ["logs", "get-log-events", "--log-group-name", "x"])
    compare("no credentials", ep, ["sts", "get-caller-identity"],
            drop=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))


def case_moto():
    state = os.path.join(TMP, "moto")
    p = subprocess.run(["bash", MOTO, "start", state], capture_output=True, text=True,
                       timeout=900)
    if p.returncode != 0:
        sys.exit("moto did not start: " + p.stderr)
    ep = p.stdout.strip().splitlines()[-1]
    try:
        seed = {}
        with open(os.path.join(state, "seed.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                seed[k] = v.strip("'")
        seed["groups"] = seed_more(ep)
        moto_single(ep, seed)
        moto_query(ep, seed)
        moto_errors(ep, seed)
    finally:
        subprocess.run(["bash", MOTO, "stop", state], capture_output=True, timeout=60)


# ---- loopback --------------------------------------------------------------------------------

def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def case_loopback():
    ep = "http://127.0.0.1:%d" % closed_port()
    compare("no region", ep, ["logs", "describe-log-groups"], drop=("AWS_DEFAULT_REGION",))
    compare("connection refused (retried, then the CLI's words)", ep,
            ["logs", "describe-log-groups"])
    compare("connection refused, cloudwatch", ep, ["cloudwatch", "list-metrics", "--no-paginate"])


def main():
    cases = {"moto": case_moto, "loopback": case_loopback}
    for name in sys.argv[1:] or list(cases):
        cases[name]()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
