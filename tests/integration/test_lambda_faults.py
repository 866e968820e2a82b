#!/usr/bin/env python3
# ctest-timeout: 240
"""Faults around the Lambda runtime, played by tests/lambda/harness.py.

The Runtime API answering 500 or closing the connection (briefly: retried; for good: the
runtime exits non-zero with a clear log line), malformed events, an invocation whose deadline
is already near, a tool call outlasting the deadline, a reply over Lambda's 6 MB limit, an
invalid configuration (init/error, non-zero exit), _X_AMZN_TRACE_ID per invocation, and
AWS_LAMBDA_LOG_LEVEL. The runtime must never crash and never report success for a failed
invocation. The AWS CLI here is tests/helpers/fake_aws (controllable sleeps, floods and an
environment dump); the real CLI against moto is in test_lambda_clients.mjs.
"""

import base64
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("SOURCE_DIR", os.getcwd()), "tests", "lambda"))
from harnesslib import Harness, Runner  # noqa: E402

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
BUILD_DIR = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("LAMBDA_TEST_BIN") or os.environ.get("AWSCLI_MCP_BIN") or \
    os.path.join(BUILD_DIR, "awscli-mcp")
FAKE_AWS = os.path.abspath(os.path.join(
    os.environ.get("HELPERS_DIR", os.path.join(BUILD_DIR, "helpers")), "fake_aws"))
MAX_RESPONSE = 6291556

r = Runner("Lambda runtime: faults")
tmp = tempfile.mkdtemp(prefix="lambda-faults-")
# The fake stands in for the AWS CLI: the native engine stays out (--engine cli).
ENV = {"AWSCLI_MCP_AWS_CLI": FAKE_AWS, "AWSCLI_MCP_ENGINE": "cli", "AWS_REGION": "us-east-1"}


def call(name_or_cmd, id_=1):
    return {"jsonrpc": "2.0", "id": id_, "method": "tools/call",
            "params": {"name": "run_aws_cli", "arguments": {"command": name_or_cmd}}}


LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def harness(name, **kw):
    kw.setdefault("env", ENV)
    return Harness([BIN], log=os.path.join(tmp, name + ".log"), **kw)


def listed(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    if "statusCode" in doc:
        doc = json.loads(doc["body"])
    return any(t["name"] == "run_aws_cli" for t in doc.get("result", {}).get("tools", []))


def wait_parked(h):
    """Waits until the runtime is parked in GET /next (an event, not a sleep: a loaded machine
    under ASan takes seconds to get there)."""
    end = time.time() + 120
    while h.state()["parked"] < 1 and time.time() < end:
        time.sleep(0.05)


def test_runtime_api_faults():
    # Brief faults: retried, the same process goes on.
    with harness("brief", eager=True) as h:
        wait_parked(h)
        h.faults(next_500=2)
        err, body = h.invoke(LIST)
        r.check("next 500 x2: first invocation answered", err is None and listed(body), body)
        err, body = h.invoke(LIST)
        r.check("next 500 x2: retried, next invocation answered", err is None and listed(body),
                (err, body))
        h.faults(next_close=2)
        h.invoke(LIST)
        err, body = h.invoke(LIST)
        r.check("next closed x2: retried, answered", err is None and listed(body), (err, body))
        h.faults(response_500=1)
        err, body = h.invoke(LIST)
        r.check("response 500 once: the reply is posted again and delivered",
                err is None and listed(body), (err, body))
        h.faults(response_close=1)
        err, body = h.invoke(LIST)
        r.check("response connection closed once: retried and delivered",
                err is None and listed(body), (err, body))
        st = h.state()
        r.eq("brief faults: one process, never exited", (st["starts"], st["exits"]), (1, []))

    # Lasting faults: give up after a few attempts, exit non-zero with a clear line.
    for fault in ("next_500", "next_close"):
        with harness("lasting-" + fault, eager=True) as h:
            wait_parked(h)
            h.faults(**{fault: 10})
            err, body = h.invoke(LIST)
            r.check(f"{fault} lasting: the invocation in hand is still answered",
                    err is None and listed(body), (err, body))
            st = h.wait_exit_count(1)
            r.check(f"{fault} lasting: runtime exited non-zero",
                    len(st["exits"]) == 1 and st["exits"][0] not in (0, None) and
                    st["exits"][0] > 0, st["exits"])
            lines = h.log_lines()
            giving_up = [ln for ln in lines if ln.get("message") == "Runtime API call failed, "
                         "giving up"]
            r.check(f"{fault} lasting: ERROR line names the call and the error",
                    len(giving_up) == 1 and giving_up[0].get("level") == "ERROR" and
                    giving_up[0].get("call") == "next" and giving_up[0].get("error"),
                    giving_up or lines[-3:])
            retries = [ln for ln in lines if ln.get("message") == "Runtime API call failed, "
                       "retrying"]
            r.eq(f"{fault} lasting: attempts before giving up", len(retries), 3)
            h.faults(**{fault: 0})
            err, body = h.invoke(LIST)
            r.check(f"{fault} lasting: Lambda starts a new runtime, which answers",
                    err is None and listed(body) and h.state()["starts"] == 2, (err, body))


MALFORMED = [
    b"garbage",
    b"",
    b"{}",
    b"[]",
    b"null",
    b"42",
    b'{"requestContext": {}}',
    b'{"version": "1.0", "requestContext": {"http": {"method": "POST"}}}',
    b'{"requestContext": {"http": {"method": "POST"}}, "headers": [1, 2]}',
    b'{"requestContext": {"http": {"method": "POST"}}, "body": 5}',
    b'{"requestContext": {"http": {"method": "POST"}}, "body": "!!", "isBase64Encoded": true}',
    b'{"requestContext": {"http": {"method": null}}, "rawPath": 7}',
    b'{"jsonrpc": "2.0"}',
    b'{"jsonrpc": "2.0", "id": {}, "method": 5}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a": "\xff\xfe"}',
]


def test_malformed_events():
    with harness("malformed") as h:
        for ev in MALFORMED:
            err, body = h.invoke(ev)
            label = repr(ev[:40])
            ok = err is None
            try:
                doc = json.loads(body)
            except ValueError:
                doc = None
            if isinstance(doc, dict) and "statusCode" in doc:
                ok = ok and doc["statusCode"] == 400 and "error" in json.loads(doc["body"])
            else:
                ok = ok and isinstance(doc, (dict, list)) and (
                    "error" in doc if isinstance(doc, dict) else True)
            r.check("malformed event %s: a 400 / JSON-RPC error reply, not a crash" % label,
                    ok, (err, body[:300]))
        # A binary body through the real front door: base64 in the event, decoded, refused by
        # the HTTP rules (not JSON), never a crash.
        status, _, body = h.mcp(b"\x00\xff\xfe binary", extra_headers={
            "Content-Type": "application/octet-stream"})
        r.check("binary Function URL body: an HTTP 4xx reply", 400 <= status < 500,
                (status, body[:200]))
        err, body = h.invoke(LIST)
        r.check("after the malformed events the runtime still answers", listed(body), body)
        st = h.state()
        r.eq("malformed events: one process, never exited", (st["starts"], st["exits"]), (1, []))
        r.check("malformed events: every invocation got a response (none failed)",
                all(i["result"] == "response" for i in st["invocations"]), st["invocations"])


def tool_result(body):
    doc = json.loads(body)
    if "statusCode" in doc:
        doc = json.loads(doc["body"])
    return doc.get("result") or {}


def text_of(res):
    return "".join(c.get("text", "") for c in res.get("content", []))


def test_deadlines():
    with harness("deadline") as h:
        # Deadline already near (less than the runtime's safety margin left).
        t0 = time.time()
        err, body = h.invoke(call("logs get-sleep --ms 20000"), timeout_ms=1500)
        took = time.time() - t0
        res = tool_result(body) if err is None else {}
        r.check("deadline near: a clean tool result, not a Lambda timeout",
                err is None and res.get("isError") is True and "deadline" in text_of(res),
                (err, body[:400]))
        last = h.state()["invocations"][-1]
        r.check("deadline near: posted before Lambda's deadline (%.2f s)" % took,
                last["result"] == "response" and last["answered_ms"] < last["deadline_ms"], last)
        err, body = h.invoke(LIST, timeout_ms=1500)
        r.check("deadline near: tools/list still answered", err is None and listed(body), body)

        # A tool call outlasting the deadline: stopped before Lambda would kill us.
        t0 = time.time()
        err, body = h.invoke(call("logs get-sleep --ms 30000"), timeout_ms=6000)
        took = time.time() - t0
        res = tool_result(body) if err is None else {}
        r.check("call outlasting the deadline: a clean 'stopped at the deadline' result",
                err is None and res.get("isError") is True and "deadline" in text_of(res) and
                "stopped" in text_of(res),
                (err, body[:400]))
        r.check("call outlasting the deadline: not answered before 3 s (%.2f s)" % took, took > 3.0)
        st = h.state()
        last = st["invocations"][-1]
        r.check("call outlasting the deadline: posted before Lambda's deadline",
                last["result"] == "response" and last["answered_ms"] < last["deadline_ms"], last)
        r.eq("deadlines: one process, never exited", (st["starts"], st["exits"]), (1, []))


def test_large_reply():
    env = dict(ENV, AWSCLI_MCP_MAX_OUTPUT_BYTES=str(5 * 1024 * 1024))
    with harness("large", env=env) as h:
        cmd = "logs get-flood --bytes 5000000"
        status, headers, body = h.mcp(call(cmd))
        res = json.loads(body).get("result", {}) if status == 200 else {}
        r.check("Function URL reply over 6 MB: HTTP 200 with a tool result",
                status == 200 and res.get("content"), (status, body[:300]))
        r.check("the result says it was truncated for Lambda's limit",
                "6 MB response limit" in text_of(res) and
                res.get("structuredContent", {}).get("truncated") is True,
                text_of(res)[-300:])
        r.check("the kept output is substantial (over 1 MB)", len(text_of(res)) > 1 << 20,
                len(text_of(res)))
        err, body = h.invoke(call(cmd))
        res = tool_result(body) if err is None else {}
        r.check("direct invoke reply over 6 MB: cut, not a Lambda error",
                err is None and len(body) <= MAX_RESPONSE and "6 MB response limit" in
                text_of(res), (err, len(body)))
        st = h.state()
        r.check("no invocation failed (no 413 from the Runtime API)",
                all(i["result"] == "response" and i["bytes"] <= MAX_RESPONSE
                    for i in st["invocations"]), st["invocations"])
        r.eq("large replies: one process, never exited", (st["starts"], st["exits"]), (1, []))


def test_init_error():
    cases = [("timeout", {"AWSCLI_MCP_TIMEOUT_S": "soon"}, "AWSCLI_MCP_TIMEOUT_S"),
             ("aws-cli", {"AWSCLI_MCP_AWS_CLI": "/nonexistent/aws"}, "AWSCLI_MCP_AWS_CLI")]
    for label, env, word in cases:
        with harness("init-" + label, env=dict(ENV, **env)) as h:
            err, body = h.invoke(LIST)
            r.eq(f"invalid config ({label}): the invocation fails with Runtime.ConfigInvalid",
                 err, "Runtime.ConfigInvalid")
            st = h.wait_exit_count(1)
            r.check(f"invalid config ({label}): init/error posted once, naming the setting",
                    len(st["init_errors"]) == 1 and
                    st["init_errors"][0]["type"] == "Runtime.ConfigInvalid" and
                    word in json.loads(st["init_errors"][0]["body"])["errorMessage"],
                    st["init_errors"])
            doc = json.loads(st["init_errors"][0]["body"]) if st["init_errors"] else {}
            r.eq(f"invalid config ({label}): error document shape", sorted(doc),
                 ["errorMessage", "errorType", "stackTrace"])
            r.check(f"invalid config ({label}): exited non-zero",
                    st["exits"] and st["exits"][0] not in (0, None) and st["exits"][0] > 0,
                    st["exits"])
            r.eq(f"invalid config ({label}): never asked for an event", st["calls"]["next"], 0)


def test_trace_id_and_logs():
    env = dict(ENV, AWS_LAMBDA_LOG_LEVEL="WARN")
    with harness("trace", env=env) as h:
        seen = []
        for i in range(2):
            err, body = h.invoke(call("logs get-env", id_=i + 1))
            out = text_of(tool_result(body)) if err is None else ""
            env_lines = [ln[4:] for ln in out.splitlines() if ln.startswith("ENV _X_AMZN_TRACE_ID=")]
            seen.append(env_lines[0].split("=", 1)[1] if env_lines else None)
        recs = h.state()["invocations"]
        r.eq("_X_AMZN_TRACE_ID is Lambda-Runtime-Trace-Id of each invocation",
             seen, [recs[0]["trace_id"], recs[1]["trace_id"]])
        r.check("two invocations, two trace ids", seen[0] != seen[1], seen)
        lines = h.log_lines()
        r.check("AWS_LAMBDA_LOG_LEVEL=WARN: no INFO or DEBUG lines but the audit lines",
                all(ln.get("level") in ("WARN", "ERROR") or ln.get("message") == "audit"
                    for ln in lines), lines[:3])
        r.eq("audit lines are their own stream: one per call at WARN too",
             len([ln for ln in lines if ln.get("message") == "audit"]), 2)


try:
    for t in (test_runtime_api_faults, test_malformed_events, test_deadlines, test_large_reply,
              test_init_error, test_trace_id_and_logs):
        try:
            t()
        except Exception as e:  # one failed check, then go on
            import traceback
            r.check(t.__name__ + " ran", False, traceback.format_exc()[-800:])
finally:
    if r.failed == 0:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("# logs kept in " + tmp)
sys.exit(r.summary())
