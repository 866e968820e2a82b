#!/usr/bin/env python3
# ctest-timeout: 1800
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


def compare(name, endpoint, words, extra_env=None, drop=(), engine_env=None, handoff=None,
            before=None):
    """The CLI and the engine on the same command: the engine must answer natively, same bytes.
    With `handoff` (a part of the reason), the engine must hand the command to the CLI.
    `before` runs before each of the two (to reset a test server)."""
    env = env_for(extra_env, drop)
    if before:
        before()
    got = engine(endpoint, words, env, extra=engine_env)[0]
    if handoff:
        return r.check("%s: handed to the CLI" % name, got.get("rc") == "handoff" and
                       handoff in got.get("reason", ""), got)
    if before:
        before()
    want = cli(endpoint, words, env)
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


def moto_paging(ep, seed):
    g0 = seed["groups"][0]
    pages = [
        ["logs", "describe-log-groups", "--page-size", "2"],
        ["logs", "describe-log-groups", "--page-size", "2", "--output", "text"],
        ["logs", "describe-log-groups", "--page-size", "4", "--query", "logGroups[].logGroupName"],
        ["logs", "describe-log-groups", "--page-size", "4", "--query", "logGroups[].logGroupName",
         "--output", "text"],
        ["logs", "describe-log-groups", "--page-size", "3", "--query", "length(logGroups)"],
        ["logs", "describe-log-groups", "--page-size", "3", "--query", "length(logGroups)",
         "--output", "text"],
        ["logs", "describe-log-groups", "--log-group-name-prefix", "/engine/run/", "--page-size",
         "5", "--max-items", "7"],
        ["logs", "describe-log-groups", "--log-group-name-prefix", "/engine/run/", "--page-size",
         "5", "--max-items", "10", "--output", "text"],
        ["logs", "describe-log-groups", "--page-size", "5", "--max-items", "0"],
        ["logs", "describe-log-groups", "--max-items", "4", "--query", "logGroups[0].arn",
         "--output", "text"],
        ["logs", "describe-log-streams", "--log-group-name", g0, "--page-size", "1"],
        ["logs", "filter-log-events", "--log-group-name", g0, "--limit", "10"],
        ["logs", "filter-log-events", "--log-group-name", g0, "--page-size", "10", "--output",
         "text"],
        ["logs", "filter-log-events", "--log-group-name", g0, "--page-size", "10", "--max-items",
         "13"],
        ["cloudwatch", "list-metrics", "--namespace", "Engine/Run"],
        ["cloudwatch", "list-metrics", "--namespace", "Engine/Run", "--output", "text"],
        ["cloudwatch", "list-metrics", "--namespace", "Engine/Run", "--max-items", "3"],
        ["cloudwatch", "describe-alarms", "--page-size", "2"],
        ["cloudwatch", "describe-alarms", "--page-size", "2", "--output", "text"],
        ["cloudwatch", "describe-alarms", "--page-size", "3", "--max-items", "4", "--output",
         "text"],
    ]
    for words in pages:
        compare("paging: " + " ".join(words[:2]) + " " + " ".join(words[2:])[:70], ep, words)
    compare("--page-size 0 (botocore's validation message is the CLI's)", ep,
            ["logs", "describe-log-groups", "--page-size", "0"], handoff="below the model's min")
    # --max-items, then --starting-token with the CLI's own NextToken, to the end.
    for base, n in ((["logs", "describe-log-groups", "--page-size", "5"], 3),
                    (["logs", "describe-log-groups", "--page-size", "2"], 4),
                    (["logs", "filter-log-events", "--log-group-name", g0, "--page-size", "10"],
                     7),
                    (["cloudwatch", "list-metrics", "--namespace", "Engine/Run"], 6),
                    (["cloudwatch", "describe-alarms", "--page-size", "3"], 2)):
        token, hops = None, 0
        while hops < 12:
            words = base + ["--max-items", str(n)] + (["--starting-token", token] if token else [])
            if not compare("round trip %d: %s %s" % (hops, " ".join(base[:2]), " ".join(
                    words[2:])[:60]), ep, words):
                break
            out = json.loads(cli(ep, words, env_for())["stdout"] or "{}")
            token = out.get("NextToken")
            hops += 1
            if not token:
                break
            compare("round trip %d (text)" % hops, ep, words[:-1] + [token, "--output", "text"]
                    if "--starting-token" in words else words + ["--output", "text"])
        r.check("round trip over %s ended (%d hops)" % (" ".join(base[:2]), hops),
                0 < hops < 12)
    raw = json.loads(cli(ep, ["logs", "describe-log-groups", "--limit", "2"], env_for())
                     ["stdout"])["nextToken"]
    # Starting tokens in other forms: the older token___index one, text b64decode refuses or
    # reads leniently (then the older form), and the CLI's own form cut inside a page.
    for tok in ("abc-def_ghi___1", "None___2", "a___b___c", "short", "x" * 9, "YQ==___x",
                "=%s=" % raw[:8],
                base64.b64encode(b'{"nextToken": null, "boto_truncate_amount": 5}').decode()):
        compare("--starting-token %s" % tok[:40], ep,
                ["logs", "describe-log-groups", "--starting-token", tok, "--max-items", "3"])
    # moto's raw token is base64 JSON too: botocore injects its keys as parameters and refuses
    # them with a message the engine does not copy.
    compare("--starting-token (a raw moto token)", ep,
            ["logs", "describe-log-groups", "--starting-token", raw], handoff="other keys")


def utf8_cut(b, cap):
    """The runner's cut (src/awscli/runner.c cap_utf8): cap bytes, back to a UTF-8 boundary."""
    if len(b) <= cap:
        return b
    n = cap
    while n > 0 and (b[n] & 0xC0) == 0x80:
        n -= 1
    return b[:n]


def capped(name, ep, words, cap, early=True):
    """The engine under a stdout cap gives the runner's shape of the CLI's output: its first
    cap bytes, truncated, and a byte count past the cap (exact unless paging stopped early)."""
    env = env_for()
    want = cli(ep, words, env)
    got = engine(ep, words, env, extra={"ENGINE_MAX_STDOUT": str(cap)})[0]
    full = want["stdout"].encode()
    ok = (got.get("rc") == "ok" and got["exit"] == want["exit"] and len(full) > cap and
          got["stdout"].encode() == utf8_cut(full, cap) and got["truncated"] and
          cap < got["stdout_bytes"] <= len(full) and
          (early or got["stdout_bytes"] == len(full)))
    return r.check("cap %d: %s (the CLI printed %d bytes, the engine counted %s)" %
                   (cap, name, len(full), got.get("stdout_bytes")), ok, got)


def moto_cap(ep, seed):
    g0 = seed["groups"][0]
    capped("json, one page", ep, ["logs", "get-log-events", "--log-group-name", g0,
                                  "--log-stream-name", "s1"], 700, early=False)
    capped("json while paging", ep, ["logs", "describe-log-groups", "--page-size", "2"], 900)
    capped("json while paging, on a multibyte character", ep,
           ["logs", "filter-log-events", "--log-group-name", g0, "--page-size", "3"], 731)
    capped("text while paging", ep, ["logs", "filter-log-events", "--log-group-name", g0,
                                     "--page-size", "4", "--output", "text"], 500)
    capped("text with --query while paging", ep,
           ["logs", "describe-log-groups", "--page-size", "2", "--query",
            "logGroups[].[logGroupName, arn]", "--output", "text"], 300)
    got = engine(ep, ["logs", "describe-log-groups", "--page-size", "1", "--query",
                      "length(logGroups)"], env_for(), extra={"ENGINE_MAX_STDOUT": "50"})[0]
    r.check("cap 50: json with --query stops gathering at 8x the cap, marked truncated",
            got.get("rc") == "ok" and got["truncated"] and got["stdout_bytes"] > 50, got)


def moto_parallel(ep, seed):
    for words in (["logs", "describe-log-groups", "--page-size", "3"],
                  ["logs", "filter-log-events", "--log-group-name", seed["groups"][0],
                   "--page-size", "7", "--output", "text"],
                  ["cloudwatch", "describe-alarms", "--page-size", "2", "--max-items", "5"]):
        env = env_for()
        serial = engine(ep, words, env)[0]
        want = cli(ep, words, env)
        par = engine(ep, words, env, mode="run-parallel", arg=16)
        r.check("16 concurrent runs give the serial bytes, and the CLI's: %s" % " ".join(words),
                len(par) == 16 and serial.get("rc") == "ok" and all(p == serial for p in par) and
                (serial["exit"], serial["stdout"], serial["stderr"]) ==
                (want["exit"], want["stdout"], want["stderr"]),
                [p for p in par if p != serial][:1] or serial)


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
        moto_paging(ep, seed)
        moto_cap(ep, seed)
        moto_parallel(ep, seed)
    finally:
        subprocess.run(["bash", MOTO, "stop", state], capture_output=True, timeout=60)


# ---- loopback --------------------------------------------------------------------------------

def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


LOG_GROUPS_REPLY = json.dumps({"logGroups": [
    {"logGroupName": "/x/caf\u00e9", "creationTime": 1700000000000, "storedBytes": 1},
    {"logGroupName": "/y", "creationTime": 1700000000001, "storedBytes": 0.5}]})
THROTTLE_JSON = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
TRANSIENT_JSON = json.dumps({"__type": "RequestTimeoutException", "message": "Slow down there"})
NOT_FOUND_JSON = json.dumps({"__type": "ResourceNotFoundException", "message": "No such group"})
UNAVAILABLE_JSON = json.dumps({"__type": "ServiceUnavailableException", "message": "Busy"})
THROTTLE_XML = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                "<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>")
METRICS_XML = ("<ListMetricsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
               "<ListMetricsResult><Metrics><member><Namespace>N</Namespace><MetricName>M"
               "</MetricName><Dimensions/></member></Metrics></ListMetricsResult>"
               "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
               "</ListMetricsResponse>")


class Script:
    """What the loopback endpoint answers, request by request: a list of (status, body) and
    what to answer once the list is used up."""

    def __init__(self):
        self.lock = threading.Lock()
        self.set([], (200, LOG_GROUPS_REPLY))

    def set(self, steps, then):
        with self.lock:
            self.steps, self.then, self.seen = list(steps), then, 0

    def next(self):
        with self.lock:
            self.seen += 1
            return self.steps.pop(0) if self.steps else self.then


SCRIPT = Script()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, body = SCRIPT.next()
        data = body.encode()
        self.send_response(status)
        xml = body.startswith("<")
        self.send_header("Content-Type", "text/xml" if xml else "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def raw_server(behaviour):
    """A TCP server that reads a request, then closes at once ("close") or says nothing
    ("silent") until the test ends."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    held = []

    def loop():
        while True:
            c, _ = srv.accept()
            c.recv(65536)
            if behaviour == "close":
                c.close()
            else:
                held.append(c)
    threading.Thread(target=loop, daemon=True).start()
    return "http://127.0.0.1:%d" % srv.getsockname()[1]


def case_loopback():
    ep = "http://127.0.0.1:%d" % closed_port()
    compare("no region", ep, ["logs", "describe-log-groups"], drop=("AWS_DEFAULT_REGION",))
    compare("no region (IMDS allowed: the CLI would ask it)", ep, ["logs", "describe-log-groups"],
            drop=("AWS_DEFAULT_REGION", "AWS_EC2_METADATA_DISABLED"), handoff="instance metadata")
    compare("connection refused (retried, then the CLI's words)", ep,
            ["logs", "describe-log-groups"])
    compare("connection refused, cloudwatch, AWS_MAX_ATTEMPTS=1", ep,
            ["cloudwatch", "list-metrics", "--no-paginate"], extra_env={"AWS_MAX_ATTEMPTS": "1"})
    compare("connection closed without a reply", raw_server("close"),
            ["logs", "describe-log-groups", "--no-paginate"])

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    ep = "http://127.0.0.1:%d" % srv.server_address[1]
    words = ["logs", "describe-log-groups", "--no-paginate"]

    def script(steps, then):
        return lambda: SCRIPT.set(steps, then)

    compare("throttled twice, then answered", ep, words,
            before=script([(400, THROTTLE_JSON)] * 2, (200, LOG_GROUPS_REPLY)))
    r.eq("  ... in three requests", SCRIPT.seen, 3)
    compare("throttled always: reached max retries: 2", ep, words,
            before=script([], (400, THROTTLE_JSON)))
    r.eq("  ... in three requests", SCRIPT.seen, 3)
    compare("throttled always, AWS_MAX_ATTEMPTS=5", ep, words,
            before=script([], (400, THROTTLE_JSON)), extra_env={"AWS_MAX_ATTEMPTS": "5"})
    compare("throttled always, max_attempts=2 in the profile", ep, words,
            before=script([], (400, THROTTLE_JSON)),
            extra_env={"AWS_CONFIG_FILE": write_config("[default]\nmax_attempts = 2\n")})
    compare("a transient error code, then answered", ep, words,
            before=script([(400, TRANSIENT_JSON)], (200, LOG_GROUPS_REPLY)))
    compare("503 twice, then answered", ep, words,
            before=script([(503, UNAVAILABLE_JSON)] * 2, (200, LOG_GROUPS_REPLY)))
    compare("503 always", ep, words, before=script([], (503, UNAVAILABLE_JSON)))
    compare("throttled, then a non-retryable error on the last attempt", ep, words,
            before=script([(400, THROTTLE_JSON)] * 2, (400, NOT_FOUND_JSON)))
    compare("throttled, then a non-retryable error before the last", ep, words,
            before=script([(400, THROTTLE_JSON)], (400, NOT_FOUND_JSON)))
    compare("query protocol: throttled twice, then answered", ep,
            ["cloudwatch", "list-metrics", "--no-paginate"],
            before=script([(400, THROTTLE_XML)] * 2, (200, METRICS_XML)))
    compare("query protocol: throttled always", ep, ["cloudwatch", "list-metrics"],
            before=script([], (400, THROTTLE_XML)))
    compare("retry mode legacy", ep, words, extra_env={"AWS_RETRY_MODE": "legacy"},
            handoff="retry mode")
    # The region and settings from the shared files.
    answer = script([], (200, LOG_GROUPS_REPLY))
    conf = write_config("# comment\n[default]\nregion = eu-west-1\noutput = text\n\n"
                        "[profile dev]\nregion = ap-south-1\nmax_attempts = 2\n"
                        "[sso-session x]\nsso_region = us-east-1\n")
    creds = write_config("[dev]\naws_access_key_id = test\naws_secret_access_key = test\n")
    no_region = ("AWS_DEFAULT_REGION",)
    compare("the region from the config file's default profile", ep, words, drop=no_region,
            extra_env={"AWS_CONFIG_FILE": conf}, before=answer)
    compare("AWS_PROFILE=dev: its region and max_attempts", ep, words, drop=no_region,
            extra_env={"AWS_CONFIG_FILE": conf, "AWS_PROFILE": "dev",
                       "AWS_SHARED_CREDENTIALS_FILE": creds},
            before=script([], (400, THROTTLE_JSON)))
    compare("AWS_PROFILE naming no profile", ep, words,
            extra_env={"AWS_CONFIG_FILE": conf, "AWS_PROFILE": "nope"}, handoff="neither")
    compare("a profile key the engine does not model", ep, words,
            extra_env={"AWS_CONFIG_FILE": write_config(
                "[default]\ncli_timestamp_format = wire\n")}, handoff="does not model")
    compare("a config file configparser refuses", ep, words,
            extra_env={"AWS_CONFIG_FILE": write_config("[default]\nregion\n")},
            handoff="cannot parse")
    SCRIPT.set([], (400, THROTTLE_JSON))
    got = engine(ep, words, env_for({"AWS_MAX_ATTEMPTS": "30"}),
                 extra={"ENGINE_TIMEOUT_MS": "3000"})[0]
    r.check("throttled always, 30 attempts: the backoff stops at the deadline",
            got.get("rc") == "ok" and got["timed_out"] and got["exit"] == 143 and
            not got["stdout"], got)

    silent = raw_server("silent")
    got = engine(silent, words, env_for(), extra={"ENGINE_TIMEOUT_MS": "1500"})[0]
    r.check("silent endpoint: stopped at the deadline", got.get("rc") == "ok" and
            got["timed_out"] and not got["cancelled"] and got["exit"] == 143, got)
    got = engine(silent, words, env_for(), mode="run-cancel", arg=400)[0]
    r.check("silent endpoint: cancelled", got.get("rc") == "ok" and got["cancelled"] and
            not got["timed_out"] and got["exit"] == 137, got)
    compare("silent endpoint, --cli-read-timeout 1 (retried, then the CLI's words)", silent,
            words + ["--cli-read-timeout", "1"])
    # The cap while paging, counted at the endpoint: 40 pages on offer, few fetched.
    pages = [(200, json.dumps({"logGroups": [{"logGroupName": "/g/%03d/%d/%s" % (i, k, "x" * 90),
                                              "storedBytes": k} for k in range(3)],
                               "nextToken": "t%d" % (i + 1)})) for i in range(39)]
    last = (200, json.dumps({"logGroups": [{"logGroupName": "/g/last"}]}))
    for fmt in ("json", "text"):
        words = ["logs", "describe-log-groups", "--output", fmt]
        SCRIPT.set(pages, last)
        want = cli(ep, words, env_for())["stdout"].encode()
        SCRIPT.set(pages, last)
        got = engine(ep, words, env_for(), extra={"ENGINE_MAX_STDOUT": "1000"})[0]
        r.check("cap 1000, %s: the CLI's first 1000 bytes after %d of 40 pages" % (
            fmt, SCRIPT.seen), got.get("rc") == "ok" and got["truncated"] and
            got["stdout"].encode() == utf8_cut(want, 1000) and SCRIPT.seen < 10, got)
    srv.shutdown()


def write_config(text):
    path = os.path.join(TMP, "config-%d" % abs(hash(text)))
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    cases = {"moto": case_moto, "loopback": case_loopback}
    for name in sys.argv[1:] or list(cases):
        cases[name]()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
