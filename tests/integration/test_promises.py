#!/usr/bin/env python3
# ctest-timeout: 120
"""A new user's first hour (issue 8), against the real program over stdio and HTTP.

- A NUL (\\u0000) in the command is refused by the tool's tokenizer, answered with the
  request's id and audited; a NUL in the protocol's own strings is -32600 with the id; no
  message names the JSON library's internals.
- Audit lines are written at any log level and only --audit off stops them; lines shown only
  at debug are tagged DEBUG.
- The server's instructions and the tool description give the same time units.
- `Origin: null` is refused even when AWSCLI_MCP_ALLOWED_ORIGINS is `*`.
- Start-up refuses a set-but-empty token, a flag of another mode, and names settings as written.
The AWS CLI here is tests/helpers/fake_aws: nothing in this file needs AWS.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SOURCE_DIR = os.path.realpath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

BUILD_DIR = os.path.realpath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN", os.path.join(BUILD_DIR, "awscli-mcp"))
FAKE_AWS = os.path.join(os.environ.get("HELPERS_DIR", os.path.join(BUILD_DIR, "helpers")),
                        "fake_aws")
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWSCLI_MCP_")}
BASE_ENV["AWSCLI_MCP_AWS_CLI"] = FAKE_AWS
BASE_ENV["AWSCLI_MCP_ENGINE"] = "cli"  # the fake stands in for the CLI: no native engine

r = Runner("A new user's first hour: promises against the program")
check = r.check
tmp = tempfile.mkdtemp(prefix="test-promises-")



def rpc(id_, method, params=None):
    m = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        m["params"] = params
    return m


INIT = rpc(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                             "clientInfo": {"name": "t", "version": "1"}})


def call(id_, command):
    return rpc(id_, "tools/call", {"name": "run_aws_cli", "arguments": {"command": command}})


def stdio(lines, args=(), env=None):
    """Runs `awscli-mcp stdio ARGS` on the given raw lines; returns (replies by id, stderr)."""
    p = subprocess.run([BIN, "stdio", *args], input="".join(l + "\n" for l in lines),
                       capture_output=True, text=True, timeout=60,
                       env=dict(BASE_ENV, **(env or {})), cwd=tmp)
    replies = {}
    for ln in p.stdout.splitlines():
        msg = json.loads(ln)
        replies[msg.get("id")] = msg
    return replies, p.stderr


def log_lines(stderr):
    out = []
    for ln in stderr.splitlines():
        try:
            out.append(json.loads(ln))
        except ValueError:
            pass
    return out


def text_of(reply):
    return "".join(c.get("text", "") for c in (reply or {}).get("result", {}).get("content", []))


def test_nul():
    # json.dumps writes \u0000 for a NUL, exactly as a client would send it.
    replies, err = stdio([json.dumps(INIT), json.dumps(call(2, "logs\u0000 describe-log-groups")),
                          json.dumps(rpc(3, "tools/li\u0000st")),
                          json.dumps(rpc(4, "tools/call", {"name": "run_aws_cli\u0000x",
                                                           "arguments": {"command": "x"}})),
                          '{"jsonrpc":"2.0","id":5,"method":"ping","method":"ping"}'])
    r2 = replies.get(2, {})
    check("NUL in the command: a tool result with the request's id", "result" in r2, replies)
    check("NUL in the command: refused by the tokenizer, with its position",
          r2.get("result", {}).get("isError") is True and
          "NUL character (\\u0000) at position 5" in text_of(r2), r2)
    audits = [ln for ln in log_lines(err) if ln.get("message") == "audit"]
    check("NUL in the command: one audit line, refused, with the command as sent",
          len(audits) == 1 and audits[0].get("outcome") == "refused" and
          audits[0].get("command") == "logs\u0000 describe-log-groups", audits)
    for id_ in (3, 4):
        e = replies.get(id_, {}).get("error", {})
        check(f"NUL in a protocol string (id {id_}): -32600 with the id",
              e.get("code") == -32600 and "NUL" in e.get("message", ""), replies.get(id_))
    everything = json.dumps(replies) + err
    check("no message names the JSON library's internals",
          "JSON_" not in everything and "jansson" not in everything.lower(), everything[-800:])
    parse = replies.get(None, {}).get("error", {})
    check("a duplicate key: -32700 in JSON's words",
          parse.get("code") == -32700 and "same key twice" in parse.get("message", ""), replies)


def test_audit_and_levels():
    lines = [json.dumps(INIT), json.dumps(call(2, "logs describe-log-groups"))]
    for level in ("warn", "error", "off"):
        _, err = stdio(lines, ["--log-level", level])
        audits = [ln for ln in log_lines(err) if ln.get("message") == "audit"]
        check(f"--log-level {level}: the audit line is still written", len(audits) == 1, err)
    _, err = stdio(lines, ["--audit", "off"])
    check("--audit off: no audit line",
          not [ln for ln in log_lines(err) if ln.get("message") == "audit"], err)
    _, err = stdio(lines, env={"AWSCLI_MCP_LOG_LEVEL": "debug"})
    init_lines = [ln for ln in log_lines(err)
                  if ln.get("message") == "request" and ln.get("method") == "initialize"]
    check("a line shown only at debug is tagged DEBUG",
          init_lines and all(ln.get("level") == "DEBUG" for ln in init_lines), err)
    _, err = stdio(lines)
    check("at info, no request line for initialize",
          not [ln for ln in log_lines(err) if ln.get("method") == "initialize"], err)


def test_time_units():
    replies, _ = stdio([json.dumps(INIT), json.dumps(rpc(2, "tools/list"))])
    instructions = replies.get(1, {}).get("result", {}).get("instructions", "")
    tools = replies.get(2, {}).get("result", {}).get("tools", [{}])
    desc = tools[0].get("description", "")
    line = next((ln for ln in desc.splitlines() if ln.startswith("- Times: ")), "")
    units = line[len("- Times: "):]
    check("the tool description states the time units", "MILLISECONDS" in units, desc)
    check("the server's instructions give the same time units, word for word",
          units and units in instructions, instructions)
    check("the instructions no longer say every time is milliseconds",
          "Times are epoch milliseconds" not in instructions, instructions)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, body, headers):
    h = {"Content-Type": "application/json", "Accept": "application/json"}
    h.update(headers)
    req = urllib.request.Request(url, data=body.encode(), headers=h, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def test_http():
    port = free_port()
    env = dict(BASE_ENV, AWSCLI_MCP_ALLOWED_ORIGINS="*")
    errpath = os.path.join(tmp, "serve.log")
    with open(errpath, "w") as errf:
        p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                             stdout=subprocess.DEVNULL, stderr=errf, cwd=tmp)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and '"listening"' not in open(errpath).read():
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/mcp"
        st, body = post(url, json.dumps(rpc(7, "ping")), {"Origin": "null"})
        check("Origin: null is refused even with ALLOWED_ORIGINS='*'", st == 403, (st, body))
        st, body = post(url, json.dumps(rpc(7, "ping")), {"Origin": "https://app.example.com"})
        check("any real Origin passes with '*'", st == 200, (st, body))
        st, body = post(url, json.dumps(call(9, "logs \u0000x")),
                        {"MCP-Protocol-Version": "2025-06-18"})
        check("HTTP: NUL in the command is a tool result with the id",
              st == 200 and body.get("id") == 9 and "NUL character" in text_of(body), (st, body))
        st, body = post(url, '{"jsonrpc":"2.0","id":1,"method":"ping","id":2}', {})
        check("HTTP: a duplicate key is a parse error in JSON's words, no library names",
              st == 400 and "same key twice" in body["error"]["message"] and
              "JSON_" not in body["error"]["message"], (st, body))
    finally:
        p.terminate()
        p.wait(timeout=20)


def start_error(args, env, want):
    # A free port, so that a server that wrongly starts binds nothing anyone else uses.
    full = dict(dict(BASE_ENV, AWSCLI_MCP_LISTEN=f"127.0.0.1:{free_port()}"), **env)
    try:
        p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=10, env=full,
                           stdin=subprocess.DEVNULL)
        got = (p.returncode, p.stderr)
    except subprocess.TimeoutExpired:
        got = ("still running after 10 s", "")
    check(f"{' '.join(args)} {env}: exit 2 with '{want}'",
          got[0] == 2 and want in got[1] and got[1].count("\n") == 1, got)


def test_start_errors():
    start_error(["serve"], {"AWSCLI_MCP_AUTH_TOKEN": ""}, "AWSCLI_MCP_AUTH_TOKEN is set but empty")
    start_error(["serve", "--profile", "x"], {}, "--profile does not apply to serve")
    start_error(["stdio", "--listen", ":1"], {}, "--listen does not apply to stdio")
    start_error(["stdio", "--aws-cli", "/nonexistent/aws"], {}, "--aws-cli: '/nonexistent/aws'")
    start_error(["stdio"], {"AWSCLI_MCP_AWS_CLI": "/nonexistent/aws"},
                "AWSCLI_MCP_AWS_CLI: '/nonexistent/aws'")
    start_error(["serve"], {"AWSCLI_MCP_LISTEN": "foo"}, "AWSCLI_MCP_LISTEN: port 'foo'")
    start_error(["stdio", "--deny", "X"], {}, "malformed --deny pattern 'X'")
    start_error(["stdio"], {"AWSCLI_MCP_TIMEOUT_S": "+5"}, "AWSCLI_MCP_TIMEOUT_S: '+5'")
    start_error(["serve", "--allowed-origins", "not a url"], {}, "'not a url' is not an origin")
    start_error(["stdio", "--log-level", "trace"], {}, "'trace' is not one of")


try:
    for t in (test_nul, test_audit_and_levels, test_time_units, test_http, test_start_errors):
        t()
finally:
    subprocess.run(["rm", "-rf", tmp])
sys.exit(r.summary())
