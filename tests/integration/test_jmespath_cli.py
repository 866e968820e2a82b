#!/usr/bin/env python3
# ctest-timeout: 180
"""How the AWS CLI prints a --query result, against src/jmespath + src/engine/output.h.

Each query runs over a reply-shaped document through the CLI's own formatters
(awscli.formatter.JSONFormatter and TextFormatter, with the query compiled by jmespath.py as
the CLI compiles it) and through tests/helpers/jp_driver --cli; the printed text must be the
same byte for byte: --output json for every result, --output text for every result the engine
does not hand to the CLI (and it must never hand over a scalar). Two queries also go through
the real `aws` program, to show that the formatter path is the CLI's.
"""
import io
import json
import os
import subprocess
import sys

if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import jmespath  # noqa: E402
from awscli import formatter  # noqa: E402

DOC = {
    "logGroups": [
        {"logGroupName": "/aws/lambda/f\u00fcnf", "storedBytes": 1234, "creationTime": 1700000000000,
         "ratio": 0.1, "tags": {"team": "a\"b\\c", "emoji": "\U0001F600", "tab": "x\ty\nz"}},
        {"logGroupName": "two", "storedBytes": 0, "ratio": 1e16, "small": 1e-07, "whole": 2.0,
         "neg": -0.0, "ctl": "\u0001\u007f"},
    ],
    "nextToken": None,
    "empty": {},
}
QUERIES = [
    "logGroups[0].logGroupName", "logGroups[0].storedBytes", "logGroups[0].ratio",
    "logGroups[1].ratio", "logGroups[1].small", "logGroups[1].whole", "logGroups[1].neg",
    "logGroups[0].tags.team", "logGroups[0].tags.emoji", "logGroups[0].tags.tab",
    "logGroups[1].ctl", "nextToken", "missing", "`true`", "`false`", "empty", "`[]`",
    "avg(logGroups[].storedBytes)", "sum(logGroups[].storedBytes)", "length(logGroups)",
    "to_string(logGroups[0].tags)", "logGroups[].logGroupName", "logGroups[0]",
    "logGroups[?storedBytes > `0`].{n: logGroupName, b: storedBytes}", "`123456789.125`",
    "`1e300`", "'text with \u00fcmlaut'",
]


class Args:
    def __init__(self, query):
        self.query = jmespath.compile(query)


def cli_prints(kind, query):
    stream = io.StringIO()
    cls = formatter.JSONFormatter if kind == "json" else formatter.TextFormatter
    cls(Args(query))("logs describe-log-groups", json.loads(json.dumps(DOC)), stream)
    return stream.getvalue()


def main():
    helpers = os.environ.get("HELPERS_DIR") or os.path.join(
        os.environ.get("BUILD_DIR", "build"), "helpers")
    lines = "".join(json.dumps([q, DOC]) + "\n" for q in QUERIES)
    out = subprocess.run([os.path.join(helpers, "jp_driver"), "--cli"], input=lines.encode(),
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    passed = failed = 0
    for query, line in zip(QUERIES, out):
        ours = json.loads(line[2:]) if line.startswith("R ") else [line, None]
        scalar = not isinstance(jmespath.search(query, DOC), (list, dict))
        checks = [("json", cli_prints("json", query), ours[0])]
        if scalar or ours[1] is not None:
            checks.append(("text", cli_prints("text", query), ours[1]))
        for kind, want, got in checks:
            if want == got:
                passed += 1
            else:
                failed += 1
                print("FAIL %s --output %s\n  cli:  %r\n  ours: %r" % (query, kind, want, got))
    # The real program, once per output kind, over its own skeleton document.
    env = dict(os.environ, AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="x",
               AWS_SECRET_ACCESS_KEY="x", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    for kind, query in (("json", "[logGroups[0].storedBytes, `1.0`, `1e16`, '\u00fc']"),
                        ("text", "`1e-07`")):
        real = subprocess.run(["/usr/bin/aws", "logs", "describe-log-groups",
                               "--generate-cli-skeleton", "output", "--query", query,
                               "--output", kind], stdout=subprocess.PIPE, env=env,
                              check=True).stdout.decode()
        skeleton = json.loads(subprocess.run(
            ["/usr/bin/aws", "logs", "describe-log-groups", "--generate-cli-skeleton", "output"],
            stdout=subprocess.PIPE, env=env, check=True).stdout) if kind == "json" else {}
        line = subprocess.run([os.path.join(helpers, "jp_driver"), "--cli"],
                              input=(json.dumps([query, skeleton]) + "\n").encode(),
                              stdout=subprocess.PIPE, check=True).stdout.decode()
        got = json.loads(line[2:])[0 if kind == "json" else 1]
        if got == real:
            passed += 1
        else:
            failed += 1
            print("FAIL aws --query %s --output %s\n  aws:  %r\n  ours: %r" % (query, kind, real, got))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
