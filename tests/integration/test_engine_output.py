"""Differential test of the native engine's `json` and `text` output against the AWS CLI's own
formatters (awscli.formatter under /usr/bin/python3, tests/lib/cli_oracle.py).

The same values go to both: the replies in tests/data/engine/output/*.json (shaped like the
services' real replies) and several hundred generated ones (fixed seed): nested objects and
lists, lists of objects with differing keys, lists of lists, Unicode, tabs, quotes, control
characters, integers, doubles such as 0.1, 1e-07 and 123456789.125 and random bit patterns,
booleans and nulls. Every value the engine formats must come out byte-identical; the ones it
hands to the CLI are counted and must be ones the CLI itself cannot print sensibly or that
need Unicode case rules.
"""
import glob
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

SRC = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD_DIR", os.path.join(SRC, "build"))
TOOL = os.path.join(os.environ.get("HELPERS_DIR", os.path.join(BUILD, "helpers")), "engine_tool")
ORACLE = os.path.join(SRC, "tests", "lib", "cli_oracle.py")

KEYS = ["logGroupName", "creationTime", "arn", "storedBytes", "Metrics", "Dimensions", "Name",
        "Value", "a", "B", "b", "_x", "zeta", "Label", "Timestamps", "Values", "StatusCode",
        "x y", "k\u00e9y", "\u65e5\u672c", "Z1", "z1", "123"]
STRINGS = ["", "plain", "tab\there", "new\nline", "quote\"s", "back\\slash", "\u00e9t\u00e9",
           "\u65e5\u672c\u8a9e", "emoji \U0001F600", "ctl\x01\x1f\x7f", "\r\n", "None", "True",
           "  spaced  ", "/aws/lambda/my-function", "2026-12-02T04:00:00+00:00", "a" * 300,
           "\u2028sep\u2029", "nul\u0000byte"]
FLOATS = [0.1, 1e-07, 123456789.125, 0.0, -0.0, 1.0, -1.5, 1e16, 1e15, 9999999999999998.0,
          12345678901234567890.0, 0.0001, 0.00001, 1e-05, 5e-324, 1.7976931348623157e308,
          2.2250738585072014e-308, 1 / 3, 2 / 3, 100.0, 1e22, 1.5e300, 3.14159, 0.3, 1e100,
          123.456, 4.35, 2.675, 1234567.0, 0.000123]
INTS = [0, 1, -1, 42, 2**31, -2**31, 2**53 + 1, 2**63 - 1, -2**63, 1700000000000]


def rand_float(r):
    if r.random() < 0.5:
        return r.choice(FLOATS)
    while True:
        v = struct.unpack("<d", r.getrandbits(64).to_bytes(8, "little"))[0]
        if v == v and abs(v) != float("inf"):
            return v


def scalar(r):
    k = r.randrange(6)
    if k == 0:
        return r.choice(STRINGS)
    if k == 1:
        return r.choice(INTS)
    if k == 2:
        return rand_float(r)
    if k == 3:
        return r.choice([True, False])
    if k == 4:
        return None
    return "".join(chr(r.choice([r.randrange(32, 127), r.randrange(0xa0, 0x3000)]))
                   for _ in range(r.randrange(8)))


def value(r, depth, ascii_keys):
    k = r.randrange(10) if depth < 4 else 0
    keys = [x for x in KEYS if x.isascii()] if ascii_keys else KEYS
    if k <= 3:
        return scalar(r)
    if k <= 6:
        return {r.choice(keys): value(r, depth + 1, ascii_keys) for _ in range(r.randrange(5))}
    if k == 7:
        # A list of objects, as the services reply: shared keys, some missing, some nested.
        names = r.sample(keys, r.randrange(1, 5))
        nested = r.choice(names)
        out = []
        for _ in range(r.randrange(4)):
            obj = {}
            for n in names:
                if r.random() < 0.8:
                    obj[n] = value(r, depth + 1, ascii_keys) if n == nested else scalar(r)
            out.append(obj)
        return out
    if k == 8:
        return [scalar(r) for _ in range(r.randrange(5))]
    return [value(r, depth + 1, ascii_keys) for _ in range(r.randrange(4))]


def cases():
    out = []
    for path in sorted(glob.glob(os.path.join(SRC, "tests", "data", "engine", "output", "*.json"))):
        with open(path, encoding="utf-8") as f:
            out.append(json.load(f))
    r = random.Random(13)
    for i in range(600):
        out.append(value(r, 0, ascii_keys=i % 3 != 0))
    out += [{}, [], None, "top", 5, 0.1, True, [[]], [{}], {"a": {}}, {"a": []}, [[1, 2], 3]]
    return out


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        sys.exit("%s failed: %s" % (cmd[0], p.stderr))
    return [json.loads(x) for x in p.stdout.split("\n") if x]


def main():
    values = cases()
    passed = failed = 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for v in values:
            f.write(json.dumps(v, ensure_ascii=True) + "\n")
        path = f.name
    try:
        for mode in ("json", "text"):
            ours = run([TOOL, "format", mode, path])
            cli = run(["/usr/bin/python3", ORACLE, "format", mode, path])
            handoffs = {}
            for i, (o, c) in enumerate(zip(ours, cli)):
                if o["rc"] == "handoff":
                    handoffs[o["reason"]] = handoffs.get(o["reason"], 0) + 1
                    passed += 1
                elif o["rc"] == "ok" and c["rc"] == "ok" and o["out"] == c["out"]:
                    passed += 1
                else:
                    failed += 1
                    if failed <= 10:
                        print("FAIL %s case %d: %s" % (mode, i, json.dumps(values[i])[:300]))
                        print("  cli:    %r" % (c.get("out", c.get("reason")),)[:600])
                        print("  engine: %r" % (o.get("out", o.get("reason")),)[:600])
            print("ok   %s: %d values, %d identical, %d handed to the CLI %s" % (
                mode, len(values), len(values) - sum(handoffs.values()), sum(handoffs.values()),
                json.dumps(handoffs)))
            if len(ours) != len(values) or len(cli) != len(values):
                failed += 1
                print("FAIL %s: %d values, engine %d, cli %d" % (mode, len(values), len(ours),
                                                                 len(cli)))
    finally:
        os.unlink(path)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
