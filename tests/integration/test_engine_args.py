"""Differential test of the native engine's argument parsing against the AWS CLI itself.

For several hundred commands over every operation in the engine's tables, the CLI's own entry
point runs with its operation call replaced by a probe (tests/lib/cli_oracle.py args), which
records the params it would hand botocore, the paging decision and the global options, or its
exit code and stderr when it stops first. tests/helpers/engine_tool args parses the same words.

Passing means, for every command: the engine built the same params and the same request body
as botocore's serializer makes of the CLI's params (X-Amz-Target and the JSON or form body,
byte for byte) (same keys in the same
order, same types), the same paging decision and globals; or it printed the same usage error
with the same exit code; or it handed the command to the CLI. Never different params, and never
params where botocore's validator would refuse them. The hand-over rate is printed.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

SRC = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD_DIR", os.path.join(SRC, "build"))
TOOL = os.path.join(os.environ.get("HELPERS_DIR", os.path.join(BUILD, "helpers")), "engine_tool")
ORACLE = os.path.join(SRC, "tests", "lib", "cli_oracle.py")

SKIP = {"cli-input-json", "cli-input-yaml", "generate-cli-skeleton"}
VALUES = {
    "string": ["x", "/aws/lambda/my-function", "with space", "", "caf\u00e9", "a=b,c",
               "-5", "-x", "--", "\u65e5\u672c"],
    "integer": ["5", "0", "-1", "abc", "+5", "1_0", "99999999999999999999", "007", "1.5"],
    "long": ["1764648000000", "0", "-3", "1e3", " 7"],
    "timestamp": ["2026-12-02T00:00:00Z", "1764648000", "2026-12-02T00:00:00.123456+02:00",
                  "2026-12-02", "2026-12-02T00:00:00", "yesterday", "2026-02-30T00:00:00Z"],
    "double": ["0.1", "1e-07", "5"],
}
DIMENSIONS = [
    ["Name=FunctionName,Value=my-function"],
    ["Name=a,Value=b", "Name=c,Value=d"],
    ['[{"Name":"a","Value":"b"}]'],
    ['{"Name":"a","Value":"b"}', '{"Name":"c","Value":"d"}'],
    ["Name=a,Value='x,y'"],
    ['Name="q\\"uote",Value=b'],
    ["Name=a\\,b,Value=c"],
    ["Name = a , Value = b "],
    ["Name=a"],
    ["Name=a,Value=b,Extra=c"],
    ["Name=a,Value=b,c"],
    ["Name=a,Name=b"],
    ["{Name=a,Value=b}"],
    [],
    ["Name=caf\u00e9,Value=b"],
    ["Name=,Value="],
    ["Name='a\\'b',Value=\"c\\\\d\""],
    ["Name=a,Value=b", '{"Name":"c","Value":"d"}'],
    ["Name=[a,b],Value=c"],
    ["Name=a,Value=b="],
]
QUERIES = [
    "Id=m1,MetricStat={Metric={Namespace=AWS/Lambda,MetricName=Errors,Dimensions=[{Name=FunctionName,Value=f}]},Period=60,Stat=Sum},ReturnData=true",
    "Id=m1,Expression=SUM(METRICS()),Label=total,ReturnData=false",
    "Id=m1,Expression='SEARCH(\\'{AWS/Lambda,FunctionName} MetricName=\"Errors\"\\', \\'Sum\\', 300)',Period=300",
    "Id=m1,MetricStat={Metric={Namespace=A,MetricName=B},Period=60,Stat=Sum,Unit=Count},ReturnData=TRUE",
    "Id=m1,MetricStat={Metric={Namespace=A,MetricName=B},Period=sixty,Stat=Sum}",
    "Id=m1,MetricStat={Metric={Namespace=A,MetricName=B},Period=60,Stat=Sum},ReturnData=maybe",
    '[{"Id":"m1","Expression":"1","Period":60}]',
    '[{"Id":"m1","Expression":"1","Period":60.0}]',
    '[{"Id":"m1","Expression":"1","Period":60,"Id":"m2"}]',
    "Id=m1,Expression=1,AccountId=123456789012",
    "Id=m1 ,Expression=1",
    "Id=m1,Expression=[a,b]",
    "Id=m1,Expression={a=b}",
    "Id=m1,Expression=a b c",
    "Id=m1,Expression=\"a,b\",Label='l'",
]


def oracle_options():
    p = subprocess.run(["/usr/bin/python3", ORACLE, "options"], capture_output=True, text=True,
                       check=True)
    return [json.loads(x) for x in p.stdout.split("\n") if x]


def base_args(opts):
    """The required options with a value the CLI takes."""
    out = []
    for name, cls, t, mt, req in opts:
        if not req:
            continue
        if name == "metric-data-queries":
            out += ["--" + name, QUERIES[1]]
        elif t == "list":
            out += ["--" + name, "a"]
        elif t == "timestamp":
            out += ["--" + name, "2026-12-02T00:00:00Z"]
        elif t in ("integer", "long"):
            out += ["--" + name, "60"]
        else:
            out += ["--" + name, "x"]
    return out


def cases():
    r = random.Random(13)
    out = []
    for svc, op, opts in oracle_options():
        base = base_args(opts)
        cmd = [svc, op]
        out.append(cmd + base)
        if base:
            out.append(cmd)  # every required option missing
            out.append(cmd + base[2:])
        out.append(cmd + base + ["--output", "text", "--region", "eu-west-1"])
        out.append(["--region", "us-west-2", svc, "--output", "json", op] + base)
        out.append(cmd + base + ["--no-paginate", "--query", "a[0]"])
        out.append(cmd + base + ["--color", "off", "--cli-read-timeout", "5",
                                 "--cli-connect-timeout", "7", "--no-cli-pager"])
        out.append(cmd + base + ["--output", "table"])
        out.append(cmd + base + ["--bogus", "1"])
        for name, cls, t, mt, req in opts:
            if name in SKIP:
                continue
            opt = "--" + name
            rest = [w for i, w in enumerate(base) if not (base[i - 1:i] == [opt] or w == opt)]
            if cls == "PageArgument":
                for v in ["3", "abc", "0"]:
                    out.append(cmd + base + [opt, v])
                out.append(cmd + base + [opt, "2", "--no-paginate"])
                continue
            if cls == "BooleanArgument":
                out.append(cmd + base + [opt])
                continue
            if name == "dimensions":
                for d in DIMENSIONS:
                    out.append(cmd + rest + [opt] + d)
                continue
            if name == "metric-data-queries":
                for q in QUERIES:
                    out.append(cmd + rest + [opt, q])
                out.append(cmd + rest + [opt, QUERIES[1], QUERIES[0].replace("m1", "m2")])
                continue
            if name == "label-options":
                for v in ["Timezone=+0130", '{"Timezone":"-0500"}', "Timezone=", "Tz=1"]:
                    out.append(cmd + rest + [opt, v])
                continue
            if t == "list":
                for vals in [["a"], ["a", "b", "c"], [], ['["a","b"]'], ["[1]"], ["-a"],
                             ["a", "-5"]]:
                    out.append(cmd + rest + [opt] + vals)
                continue
            for v in VALUES.get(t, ["x"]):
                out.append(cmd + rest + [opt, v])
            v = r.choice(VALUES.get(t, ["x"])[:3])
            out.append(cmd + rest + [opt + "=" + v])
            out.append(cmd + rest + [opt, v, opt, VALUES.get(t, ["x"])[0]])
            out.append(cmd + rest + [opt])
            out.append(cmd + rest + [opt[:-1], v])  # an abbreviation
    # A fixed sample keeps the run near a minute (the CLI parses about ten commands a second).
    out = [c for c in out if r.random() < 700 / len(out)]
    # --x / --no-x in both orders.
    out.append(["logs", "filter-log-events", "--interleaved", "--no-interleaved"])
    out.append(["logs", "filter-log-events", "--no-interleaved", "--interleaved"])
    out.append(["logs", "filter-log-events", "--log-group-name", "g", "--limit", "5",
                "--max-items", "3"])
    out.append(["logs", "filter-log-events", "--log-group-name", "g", "--next-token", "t"])
    out.append(["logs", "describe-log-groups", "--max-items", "0", "--no-paginate"])
    out.append(["logs", "describe-log-groups", "--", "--limit", "5"])
    out.append(["logs", "describe-log-groups", "extra"])
    out.append(["logs", "tail", "g"])
    out.append(["logs", "put-log-events"])
    return out


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        sys.exit("%s failed: %s" % (cmd[0], p.stderr[-2000:]))
    return [json.loads(x) for x in p.stdout.split("\n") if x]


def main():
    commands = cases()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for c in commands:
            f.write(json.dumps(c) + "\n")
        path = f.name
    try:
        ours = run([TOOL, "args", path])
        cli = run(["/usr/bin/python3", ORACLE, "args", path])
    finally:
        os.unlink(path)
    passed = failed = same = usage = serial_same = serial_handoff = 0
    handoffs = {}
    for words, o, c in zip(commands, ours, cli):
        ok = False
        if o["rc"] == "handoff":
            reason = o["reason"].split(":")[0] + ": " + o["reason"].split(": ", 1)[1][:40]
            handoffs[reason] = handoffs.get(reason, 0) + 1
            ok = True
        elif o["rc"] == "params":
            ok = (c["rc"] == "params" and c["valid"] and
                  json.dumps(o["params"]) == json.dumps(c["params"]) and
                  o["paginate"] == c["paginate"] and o["globals"] == c["globals"])
            same += ok
            # The request body: botocore's serializer on the CLI's params, ours on ours.
            if ok and "handoff" in o["request"]:
                serial_handoff += 1
            elif ok:
                ok = o["request"] == c["request"]
                serial_same += ok
        elif isinstance(o["rc"], int):
            ok = o == c
            usage += ok
        if ok:
            passed += 1
        else:
            failed += 1
            if failed <= 15:
                print("FAIL aws %s" % " ".join(words))
                print("  cli:    %s" % json.dumps(c)[:700])
                print("  engine: %s" % json.dumps(o)[:700])
    if len(ours) != len(commands) or len(cli) != len(commands):
        failed += 1
        print("FAIL %d commands, engine answered %d, cli %d" % (len(commands), len(ours), len(cli)))
    total = len(commands)
    print("ok   %d commands: %d same params, %d same usage errors, %d handed to the CLI (%.0f%%)"
          % (total, same, usage, sum(handoffs.values()), 100.0 * sum(handoffs.values()) / total))
    print("ok   request bodies: %d byte-identical with botocore's serializer, %d handed over"
          % (serial_same, serial_handoff))
    for reason, count in sorted(handoffs.items(), key=lambda x: -x[1]):
        print("     %4d %s" % (count, reason))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
