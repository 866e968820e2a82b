"""The engine's reply parsing and output against real replies and the real CLI's output.

Each file in tests/data/engine/replies/ holds one command, the request the engine made for it,
the reply moto gave to that request (sent with curl --aws-sigv4), and what the real CLI
printed for the same command against the same moto (tests/lib/record_engine_replies.py
records them; see docs/engine.md). For each, tests/helpers/engine_tool reply parses the reply
and formats it: stdout, and for a service error stderr and the exit code, must equal the CLI's
byte for byte, or the engine must hand the command to the CLI. It also checks that the engine
still makes the recorded request (a changed request would make the recorded reply stale).
"""
import glob
import json
import os
import subprocess
import sys

SRC = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD_DIR", os.path.join(SRC, "build"))
TOOL = os.path.join(os.environ.get("HELPERS_DIR", os.path.join(BUILD, "helpers")), "engine_tool")


def tool(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        sys.exit("engine_tool failed: " + p.stderr)
    return json.loads(p.stdout)


def main():
    files = sorted(glob.glob(os.path.join(SRC, "tests", "data", "engine", "replies", "*.json")))
    passed = failed = handed = 0
    for path in files:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            fx = json.load(f)
        req = tool("request", *fx["command"])
        if req != fx["request"]:
            failed += 1
            print("FAIL %s: the engine's request changed: %s" % (name, json.dumps(req)[:300]))
            continue
        got = tool("reply", path)
        cli = fx["cli"]
        if got.get("rc") in ("handoff",):
            handed += 1
            passed += 1
            print("ok   %s: handed to the CLI (%s); the CLI exited %d" % (name, got["reason"],
                                                                          cli["rc"]))
            continue
        if got.get("rc") == cli["rc"] and got["stdout"] == cli["stdout"] and \
                (cli["rc"] == 0 or got["stderr"] == cli["stderr"]):
            passed += 1
            print("ok   %s: %d bytes identical (exit %d)" % (name, len(cli["stdout"].encode()) +
                                                          len(got["stderr"].encode()), cli["rc"]))
        else:
            failed += 1
            print("FAIL aws %s" % " ".join(fx["command"]))
            print("  cli:    rc %s stdout %r stderr %r" % (cli["rc"], cli["stdout"][:500],
                                                          cli["stderr"][:300]))
            print("  engine: %s" % json.dumps(got)[:800])
    if len(files) < 30:
        failed += 1
        print("FAIL only %d recorded replies" % len(files))
    print("%d replies: %d identical, %d handed to the CLI" % (len(files), passed - handed, handed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
