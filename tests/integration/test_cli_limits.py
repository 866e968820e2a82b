#!/usr/bin/env python3
"""The memory limit on the real AWS CLI 2.9.19 (issue 9, item 1), over stdio.

A 277-byte command whose JMESPath evaluation takes gigabytes (no AWS call needed) is stopped
at the default limit (512 MiB of address space) and the result says so in words a model can
act on; under the same limit the real CLI still answers every seed command and a heavy
filter-log-events (20,000 events, 7 MB of JSON) against moto.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, summary  # noqa: E402

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
BUILD_DIR = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN") or os.path.join(BUILD_DIR, "awscli-mcp")
MOTO = os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh")
AWS = "/usr/bin/aws"
BOMB = ("logs describe-log-groups --generate-cli-skeleton output --query 'to_string(@)"
        + " | to_string([@,@,@,@,@,@,@,@])" * 6 + "'")




class Stdio:
    def __init__(self, env, args=()):
        self.p = subprocess.Popen([BIN, "stdio", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                  text=True)
        self.id = 0
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "limits", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, msg):
        self.p.stdin.write(json.dumps(msg) + "\n")
        self.p.stdin.flush()

    def request(self, method, params):
        self.id += 1
        self.send({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("server closed stdout")
            msg = json.loads(line)
            if msg.get("id") == self.id:
                return msg

    def call(self, command):
        res = self.request("tools/call", {"name": "run_aws_cli",
                                          "arguments": {"command": command}})["result"]
        return res, "\n".join(c.get("text", "") for c in res.get("content", []))

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def main():
    tmp = tempfile.mkdtemp(prefix="cli-limits-")
    state = os.path.join(tmp, "moto")
    # moto without its seed (a dozen parallel CLI calls capped at 30 s each, too tight on a
    # loaded machine): this test creates what it reads itself, one call at a time.
    url = subprocess.run(["bash", MOTO, "start", state, "--no-seed"], capture_output=True,
                         text=True, timeout=240)
    if url.returncode != 0:
        print("moto did not start:", url.stderr)
        print("0 passed, 1 failed")
        return 1
    endpoint = url.stdout.strip()
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "TMPDIR": tmp, "HOME": tmp,
           "AWSCLI_MCP_AWS_CLI": AWS, "AWSCLI_MCP_ENDPOINT_URL": endpoint,
           "AWSCLI_MCP_LOG_LEVEL": "error", "AWSCLI_MCP_TIMEOUT_S": "600"}
    try:
        # 20,000 events in /heavy, put with the CLI directly (file:// is fine outside the tool).
        aws = [AWS, "--endpoint-url", endpoint, "--no-cli-pager", "--output", "json"]
        cenv = dict(env, AWS_PAGER="")
        for group in ("/heavy", "/aws/lambda/my-function"):
            subprocess.run(aws + ["logs", "create-log-group", "--log-group-name", group],
                           env=cenv, check=True, capture_output=True, timeout=300)
            subprocess.run(aws + ["logs", "create-log-stream", "--log-group-name", group,
                                  "--log-stream-name", "s"], env=cenv, check=True,
                           capture_output=True, timeout=300)
        base = int(subprocess.run(["date", "+%s"], capture_output=True, text=True)
                   .stdout) * 1000 - 3600000
        for k in range(5):
            ev = [{"timestamp": base + k * 4000 + i,
                   "message": "INFO request %d path=/api/items/%d status=200 %s"
                   % (k * 4000 + i, i, "x" * 80)} for i in range(4000)]
            path = os.path.join(tmp, "ev%d.json" % k)
            with open(path, "w") as f:
                json.dump(ev, f)
            subprocess.run(aws + ["logs", "put-log-events", "--log-group-name", "/heavy",
                                  "--log-stream-name", "s", "--log-events", "file://" + path],
                           env=cenv, check=True, capture_output=True, timeout=300)

        s = Stdio(env)
        res, text = s.call(BOMB)
        check("JMESPath bomb: stopped, isError", res.get("isError") is True, text)
        check("JMESPath bomb: the result names the memory limit and what to do",
              "ran out of memory" in text and "512 MiB" in text and "--max-items" in text, text)
        seed = ["logs describe-log-groups",
                "logs filter-log-events --log-group-name /aws/lambda/my-function",
                "logs describe-log-streams --log-group-name /aws/lambda/my-function",
                "cloudwatch list-metrics --namespace AWS/Lambda",
                "cloudwatch describe-alarms",
                "sts get-caller-identity",
                "logs tail /aws/lambda/my-function --since 1h",
                "logs filter-log-events --log-group-name /heavy",
                "logs filter-log-events --log-group-name /heavy --output table"]
        for cmd in seed:
            res, text = s.call(cmd)
            check("under the limit: " + cmd, res.get("isError") is False, text)
        s.close()
    finally:
        subprocess.run(["bash", MOTO, "stop", state], capture_output=True, timeout=60)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
