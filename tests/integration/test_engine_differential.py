#!/usr/bin/env python3
"""The native engine against the AWS CLI, command by command, through the server (issue 13).

Starts moto, seeds it with tests/lib/engine_diff_seed.py, and starts two stdio servers on it:
one with --engine cli (the reference: every call runs /usr/bin/aws) and one with --engine auto.
Every command of tests/data/engine/diff_commands.txt goes to both as a run_aws_cli call; the
results must be identical: stdout, stderr, exitCode and truncated of structuredContent (or the
whole result where there is none, as for a refusal by the policy). Every command the auto server
answered with engine "cli" is a handoff: a third server, --engine native, is asked for each so
its refusal names the reason; the handoffs may not exceed 10% of the suite.

To show the reference is the CLI itself, a sample of the commands (every 20th) is also run with
/usr/bin/aws directly, with the words and options the server adds; its bytes must equal the
cli server's.

The command file: one run_aws_cli command per line; `#` starts a comment line. Placeholders:
  {BASE_S}, {QUERY_ID}, {GROUP}, ...   values the seed wrote (engine_diff_seed.py)
  {t+N} {ms+N}                          BASE_S + N seconds, as epoch seconds / milliseconds
  {iso+N} {isooff+N} {isofrac+N}        the same as 2026-11-30T07:00:00Z, ...T16:00:00+09:00,
                                        ...T07:00:00.250Z; {isonaive+N} without a zone,
                                        {date+N} the date alone
  {TAB} {NL}                            a tab, a newline (inside quotes)
  {TOKEN}                               the NextToken the previous command printed (json: the
                                        "NextToken" member; text: the NEXTTOKEN row)
  {TOKEN:key}                           the previous command's json member `key`
                                        (get-log-events' nextForwardToken, ...)
A command with a token runs after the one before it, in each server (a chain). A line
`@mask REGEX` applies to the next command: the matches are replaced before comparing, and the
command runs after all others (start-query: its id is random, and it adds a query that
describe-queries would list).

Environment: DIFF_SIDES (default "cli,auto": the reference and the candidate; "cli,cli" or
"default,default" check the harness itself, "default" meaning no --engine option),
DIFF_JOBS (calls at once, default 4), DIFF_FILTER (a regex: only matching commands),
DIFF_REPORT (where to write the JSON report; default BUILD_DIR/engine-diff-report.json).
"""
# ctest-timeout: 2400

import datetime
import json
import os
import queue
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
BUILD_DIR = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(SOURCE_DIR, "build")))
BIN = os.environ.get("AWSCLI_MCP_BIN") or os.path.join(BUILD_DIR, "awscli-mcp")
MOTO = os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh")
SEED = os.path.join(SOURCE_DIR, "tests", "lib", "engine_diff_seed.py")
COMMANDS = os.path.join(SOURCE_DIR, "tests", "data", "engine", "diff_commands.txt")
AWS = "/usr/bin/aws"
MAX_HANDOFF_SHARE = 0.10
DIRECT_EVERY = 20
COMPARED = ("exitCode", "stdout", "stderr", "truncated")


class Stdio:
    """One awscli-mcp stdio server; call() may be used from many threads at once."""

    def __init__(self, env, args, log_path):
        self.log = open(log_path, "wb")
        self.p = subprocess.Popen([BIN, "stdio", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.lock = threading.Lock()
        self.next_id = 0
        self.waiting = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        init = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                           "clientInfo": {"name": "engine-diff", "version": "1"}})
        if "result" not in init:
            raise RuntimeError("initialize failed: %s" % init)
        self._send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _send(self, msg):
        data = (json.dumps(msg, ensure_ascii=False) + "\n").encode("utf-8")
        with self.lock:
            self.p.stdin.write(data)
            self.p.stdin.flush()

    def _read(self):
        for line in self.p.stdout:
            msg = json.loads(line)
            q = self.waiting.pop(msg.get("id"), None)
            if q is not None:
                q.put(msg)
        for q in list(self.waiting.values()):
            q.put(None)

    def request(self, method, params):
        q = queue.Queue()
        with self.lock:
            self.next_id += 1
            rid = self.next_id
            self.waiting[rid] = q
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        msg = q.get(timeout=900)
        if msg is None:
            raise RuntimeError("the server closed stdout (exit %s)" % self.p.poll())
        return msg

    def call(self, command):
        msg = self.request("tools/call", {"name": "run_aws_cli",
                                          "arguments": {"command": command}})
        if "result" not in msg:
            return {"jsonrpc_error": msg.get("error")}
        return msg["result"]

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()
        self.log.close()


def comparable(result):
    """The part of a result both engines must give identically."""
    sc = result.get("structuredContent")
    if sc is None:
        return {"isError": result.get("isError"), "content": result.get("content"),
                "jsonrpc_error": result.get("jsonrpc_error")}
    return {k: sc.get(k) for k in COMPARED}


def engine_of(result):
    return (result.get("structuredContent") or {}).get("engine")


# ---- the command file --------------------------------------------------------------------

def expand(text, values):
    base = int(values["BASE_S"])

    def stamp(m):
        kind, off = m.group(1), int(m.group(2) or 0)
        t = base + off
        dt = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        if kind == "t":
            return str(t)
        if kind == "ms":
            return str(t * 1000)
        if kind == "iso":
            return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "isooff":
            return dt.astimezone(datetime.timezone(datetime.timedelta(hours=9))).strftime(
                "%Y-%m-%dT%H:%M:%S+09:00")
        if kind == "isofrac":
            return dt.strftime("%Y-%m-%dT%H:%M:%S.250Z")
        if kind == "isonaive":
            return dt.strftime("%Y-%m-%dT%H:%M:%S")
        return dt.strftime("%Y-%m-%d")

    text = re.sub(r"\{(t|ms|iso|isooff|isofrac|isonaive|date)([+-]\d+)?\}", stamp, text)
    text = text.replace("{TAB}", "\t").replace("{NL}", "\n")
    for k, v in values.items():
        text = text.replace("{%s}" % k, str(v))
    return text


def load_commands(values):
    """The commands as chains: a list of lists of dicts (line, command, mask)."""
    chains, mask = [], None
    with open(COMMANDS, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("@mask "):
                mask = line[len("@mask "):]
                continue
            cmd = {"line": no, "template": line, "command": expand(line, values), "mask": mask}
            mask = None
            if "{TOKEN" in line:
                if not chains:
                    raise SystemExit("line %d: a token with no command before it" % no)
                chains[-1].append(cmd)
            else:
                chains.append([cmd])
    return chains


def token_from(stdout, key):
    if key is None:
        m = re.search(r"^NEXTTOKEN\t(.*)$", stdout, re.M)
        if m:
            return m.group(1)
        key = "NextToken"
    try:
        return json.loads(stdout).get(key)
    except (ValueError, AttributeError):
        return None


def fill_token(command, prev_stdout):
    def sub(m):
        tok = token_from(prev_stdout, m.group(1))
        if tok is None:
            raise LookupError("no %s in the previous output" % (m.group(1) or "NextToken"))
        return shlex.quote(tok)
    return re.sub(r"\{TOKEN(?::(\w+))?\}", sub, command)


def run_chain(server, chain):
    """Runs a chain on one server: [(command as sent, result)]."""
    out, prev = [], ""
    for c in chain:
        cmd = c["command"]
        if "{TOKEN" in cmd:
            try:
                cmd = fill_token(cmd, prev)
            except LookupError as e:
                out.append((cmd, {"harness_error": str(e)}))
                prev = ""
                continue
        res = server.call(cmd)
        out.append((cmd, res))
        prev = (res.get("structuredContent") or {}).get("stdout", "")
    return out


# ---- comparing ---------------------------------------------------------------------------

def first_difference(a, b):
    """The first differing line of two strings, as (line number, a's line, b's line)."""
    la, lb = a.splitlines(True), b.splitlines(True)
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end>"
        y = lb[i] if i < len(lb) else "<end>"
        if x != y:
            return i + 1, x, y
    return None


def describe_difference(ref, cand):
    lines = []
    for k in sorted(set(ref) | set(cand)):
        x, y = ref.get(k), cand.get(k)
        if x == y:
            continue
        if isinstance(x, str) and isinstance(y, str):
            n, lx, ly = first_difference(x, y)
            lines.append("    %s differs at line %d (%d vs %d bytes):" % (
                k, n, len(x.encode()), len(y.encode())))
            lines.append("      reference: %r" % lx[:400])
            lines.append("      candidate: %r" % ly[:400])
        else:
            lines.append("    %s: reference %s, candidate %s" % (
                k, json.dumps(x, ensure_ascii=False)[:400],
                json.dumps(y, ensure_ascii=False)[:400]))
    return lines


def masked(comp, mask):
    if not mask:
        return comp
    return {k: (re.sub(mask, "<masked>", v) if isinstance(v, str) else v)
            for k, v in comp.items()}


def direct_cli(env, endpoint, command):
    """The command run by /usr/bin/aws itself, as the server's runner runs it."""
    words = shlex.split(command)
    if words and words[0] == "aws":
        words = words[1:]
    argv = [AWS] + words + ["--no-cli-pager"]
    if not any(w == "--output" or w.startswith("--output=") for w in words):
        argv += ["--output", "json"]
    argv += ["--endpoint-url", endpoint]
    p = subprocess.run(argv, capture_output=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=600)
    return {"exitCode": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
            "stderr": p.stderr.decode("utf-8", "replace"), "truncated": False}


def audit_handoffs(log_path):
    """[(argv, reason)] of the audit lines that say the engine handed the command over."""
    out = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("message") == "audit" and rec.get("handoff") and rec.get("argv"):
                out.append((rec["argv"], rec["handoff"]))
    return out


def handoff_reason(reasons, command):
    """The audit's reason for `command`: its argv is /usr/bin/aws, the words, then the options
    the server adds (--no-cli-pager first)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if words and words[0] == "aws":
        words = words[1:]
    for argv, reason in reasons:
        if argv[1:1 + len(words)] == words and argv[1 + len(words):2 + len(words)] == [
                "--no-cli-pager"]:
            return reason
    return None


def direct_sample(env, endpoint, chains, results, jobs):
    """Runs the first command of every DIRECT_EVERY-th chain with /usr/bin/aws and compares
    it with the reference server's result; returns the number of differences."""
    sample = [(chain[0]["line"], rr[0][0], comparable(rr[0][1]))
              for i, (chain, (rr, _)) in enumerate(zip(chains, results))
              if i % DIRECT_EVERY == 0 and "exitCode" in comparable(rr[0][1])]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        directs = list(pool.map(lambda x: direct_cli(env, endpoint, x[1]), sample))
    bad = 0
    for (line, command, ref), d in zip(sample, directs):
        if d != ref:
            bad += 1
            print("FAIL direct CLI != the server's CLI path, line %d: %s" % (line, command))
            for x in describe_difference(d, ref):
                print(x)
    print("direct /usr/bin/aws: %d of %d sampled commands identical to the server's CLI path"
          % (len(sample) - bad, len(sample)), flush=True)
    return bad


def server_env(tmp, endpoint):
    return {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "TMPDIR": tmp, "HOME": tmp, "LANG": "C.UTF-8", "AWSCLI_MCP_AWS_CLI": AWS,
            "AWSCLI_MCP_ENDPOINT_URL": endpoint, "AWSCLI_MCP_LOG_LEVEL": "debug",
            "AWSCLI_MCP_TIMEOUT_S": "600", "AWSCLI_MCP_MAX_CONCURRENT": "4",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}


def engine_args(side):
    return [] if side == "default" else ["--engine", side]


def main():
    started = time.monotonic()
    sides = os.environ.get("DIFF_SIDES", "cli,auto").split(",")
    jobs = int(os.environ.get("DIFF_JOBS", "4"))
    filt = os.environ.get("DIFF_FILTER")
    report_path = os.environ.get("DIFF_REPORT", os.path.join(BUILD_DIR,
                                                            "engine-diff-report.json"))
    tmp = tempfile.mkdtemp(prefix="engine-diff-")
    state = os.path.join(tmp, "moto")
    p = subprocess.run(["bash", MOTO, "start", state, "--no-seed"], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        print("moto did not start:", p.stderr)
        print("0 passed, 1 failed")
        return 1
    endpoint = p.stdout.strip()
    servers = []
    failed = 0
    rows = []
    try:
        env = server_env(tmp, endpoint)
        seed_env = dict(env, AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")
        values_path = os.path.join(tmp, "values.json")
        t0 = time.monotonic()
        s = subprocess.run(["/usr/bin/python3", SEED, endpoint, str(int(time.time())),
                            values_path], capture_output=True, text=True, env=seed_env,
                           timeout=900)
        if s.returncode != 0:
            print("seeding failed:", s.stderr[-2000:])
            print("0 passed, 1 failed")
            return 1
        print("seeded moto in %.1f s" % (time.monotonic() - t0))
        with open(values_path, encoding="utf-8") as f:
            values = json.load(f)
        chains = load_commands(values)
        if filt:
            chains = [c for c in chains if any(re.search(filt, x["command"]) for x in c)]
        ncmd = sum(len(c) for c in chains)
        print("%d commands in %d chains; sides %s; %d at once" % (ncmd, len(chains),
                                                                 "/".join(sides), jobs))

        ref = Stdio(env, engine_args(sides[0]), os.path.join(tmp, "ref.log"))
        servers.append(ref)
        cand = Stdio(env, engine_args(sides[1]), os.path.join(tmp, "cand.log"))
        servers.append(cand)

        def both(chain):
            return run_chain(ref, chain), run_chain(cand, chain)

        ordinary = [c for c in chains if not any(x["mask"] for x in c)]
        last = [c for c in chains if any(x["mask"] for x in c)]
        t0 = time.monotonic()
        done = [0]
        done_lock = threading.Lock()

        def both_counted(chain):
            r = both(chain)
            with done_lock:
                done[0] += 1
                if done[0] % 50 == 0:
                    print("  %d of %d chains, %.0f s" % (done[0], len(chains),
                                                         time.monotonic() - t0), flush=True)
            return r

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(both_counted, ordinary))
        # The reference is the CLI itself: a sample of the ordinary commands run with
        # /usr/bin/aws directly, before start-query changes what describe-queries lists.
        if sides[0] in ("cli", "default"):
            failed += direct_sample(dict(env, AWS_PAGER=""), endpoint, ordinary, results, jobs)
        results += [both(c) for c in last]
        print("ran both sides in %.1f s" % (time.monotonic() - t0))

        for chain, (rr, cr) in zip(ordinary + last, results):
            for c, (rcmd, rres), (ccmd, cres) in zip(chain, rr, cr):
                row = {"line": c["line"], "command": rcmd, "engine": engine_of(cres)}
                if "harness_error" in rres or "harness_error" in cres:
                    row["status"] = "harness"
                    row["detail"] = [rres.get("harness_error") or cres.get("harness_error")]
                else:
                    a, b = masked(comparable(rres), c["mask"]), masked(comparable(cres),
                                                                    c["mask"])
                    row["exitCode"] = a.get("exitCode")
                    if rcmd != ccmd:
                        row["status"] = "differ"
                        row["detail"] = ["    the token differs: %r vs %r" % (rcmd, ccmd)]
                    elif a == b:
                        row["status"] = "same"
                    else:
                        row["status"] = "differ"
                        row["detail"] = describe_difference(a, b)
                    row["reference"], row["candidate"] = a, b
                rows.append(row)
        rows.sort(key=lambda r: r["line"])


        # Handoffs: what the candidate answered with the CLI, and why: the reason is in the
        # server's audit line; failing that, a native-only server's refusal names it.
        handoffs = [r for r in rows if r.get("engine") == "cli"]
        if handoffs and sides[1] == "auto":
            reasons = audit_handoffs(os.path.join(tmp, "cand.log"))
            native = None
            for r in handoffs:
                r["reason"] = handoff_reason(reasons, r["command"])
                if r["reason"] is None:
                    if native is None:
                        native = Stdio(env, ["--engine", "native"],
                                       os.path.join(tmp, "native.log"))
                        servers.append(native)
                    res = native.call(r["command"])
                    text = "".join(c.get("text", "") for c in res.get("content", []))
                    r["reason"] = text.strip().splitlines()[0] if text.strip() else "?"
        for r in rows:
            if r["status"] == "same":
                print("ok   %4d %s%s" % (r["line"], r["command"][:150],
                                        "  [handoff]" if r.get("engine") == "cli" else ""))
        for r in rows:
            if r["status"] != "same":
                failed += 1
                print("FAIL %4d %s: %s" % (r["line"], r["status"], r["command"]))
                for x in r.get("detail", []):
                    print(x)
        if sides[1] == "auto":
            print("handoffs: %d of %d commands (%.1f%%; at most %d%% allowed)" % (
                len(handoffs), len(rows), 100.0 * len(handoffs) / max(1, len(rows)),
                int(MAX_HANDOFF_SHARE * 100)))
            for r in handoffs:
                print("  handoff %4d %s\n      reason: %s" % (r["line"], r["command"][:200],
                                                             r.get("reason")))
            if len(handoffs) > MAX_HANDOFF_SHARE * len(rows) and not filt:
                failed += 1
                print("FAIL more than %d%% of the suite handed to the CLI" %
                      int(MAX_HANDOFF_SHARE * 100))
            natives = [r for r in rows if r.get("engine") == "native"]
            print("answered natively: %d" % len(natives))
        if len(rows) < 300 and not filt:
            failed += 1
            print("FAIL only %d commands (at least 300 expected)" % len(rows))
        with open(report_path, "w", encoding="utf-8") as f:
            json.dump({"sides": sides, "commands": len(rows), "rows": rows,
                       "wall_s": time.monotonic() - started}, f, ensure_ascii=False, indent=1)
        same = sum(1 for r in rows if r["status"] == "same")
        print("%d commands: %d identical, %d different; report %s; %.0f s" % (
            len(rows), same, len(rows) - same, report_path, time.monotonic() - started))
    finally:
        for s in servers:
            s.close()
        subprocess.run(["bash", MOTO, "stop", state], capture_output=True, timeout=60)
    if failed:
        print("the servers' logs: %s/{ref,cand}.log" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (len(rows) - failed if failed < len(rows) else 0, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
