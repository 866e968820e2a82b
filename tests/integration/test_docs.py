#!/usr/bin/env python3
# ctest-timeout: 900
"""The documentation's promises, checked against the program.

1. Links: every relative link of every Markdown file in the repository ([text](path)), and
   every file path written in backticks that names a file of the tree (`src/...`, `../x.md`),
   resolves to a file inside the repository. The docs must stand alone.
2. Runnable blocks: every fenced block right after a `<!-- runnable -->` line is run the way a
   new user would run it, with `awscli-mcp` installed on PATH and `/path/to/awscli-mcp` meaning
   the built program:
   - a shell line that starts `awscli-mcp serve` is started, must log `listening`, and must
     answer a real `run_aws_cli` call (or 401 when the line sets a token);
   - a shell line that starts `awscli-mcp stdio` must answer the same call over stdio;
   - `claude mcp add --transport stdio ... -- CMD` is the stdio server CMD with its --env;
   - `npx @modelcontextprotocol/inspector ...` runs the real Inspector CLI (tests/node), HTTP
     lines against a server started for the block;
   - a JSON client configuration: every server with a "command" is started with its args and
     env the way an MCP SDK client starts it (the SDK passes only HOME, LOGNAME, PATH, SHELL,
     TERM and USER of its own environment) and must answer the call; every "url" must be the
     documented local endpoint.
   The call is `logs describe-log-groups --generate-cli-skeleton output`: the real AWS CLI v2
   parses it and needs a region, but no network. It fails on every setup mistake a new user
   can copy from the docs: an empty AWS_PROFILE, a missing region, an AWS CLI v1 first on PATH.
3. `make run`'s stdio snippet (scripts/run-local) is a configuration like the others.
"""

import json
import os
import re
import shlex
import signal
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
BIN = os.path.realpath(os.environ.get("AWSCLI_MCP_BIN", os.path.join(BUILD_DIR, "awscli-mcp")))
NODE = os.path.join(SOURCE_DIR, "tests", "node", "node_modules", ".bin", "node")
INSPECTOR = os.path.join(SOURCE_DIR, "tests", "node", "node_modules", ".bin", "mcp-inspector")
SKELETON = "logs describe-log-groups --generate-cli-skeleton output"
LOCAL_URL = "http://127.0.0.1:8080/mcp"
SDK_ENV = ("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER")

r = Runner('The documentation: links and runnable blocks')
check = r.check
tmp = tempfile.mkdtemp(prefix="test-docs-")
bindir = os.path.join(tmp, "bin")
os.makedirs(bindir)
os.symlink(BIN, os.path.join(bindir, "awscli-mcp"))



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_env():
    """The environment of a user's shell: ours, with awscli-mcp on PATH and none of its own
    settings, and a region (the docs say the server takes the shell's credentials and region)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWSCLI_MCP_")}
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("AWS_REGION", "us-east-1")
    return env


def sdk_env(extra):
    base = user_env()
    env = {k: base[k] for k in SDK_ENV if k in base}
    # Keep a developer's own ~/.aws out, as scripts/run-tests does for every test.
    for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        if k in os.environ:
            env[k] = os.environ[k]
    env.update(extra or {})
    return env


def local(text):
    return text.replace("/path/to/awscli-mcp", BIN)


def rpc(id_, method, params=None):
    m = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        m["params"] = params
    return m


INIT = rpc(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                             "clientInfo": {"name": "test_docs", "version": "1"}})
CALL = rpc(2, "tools/call", {"name": "run_aws_cli", "arguments": {"command": SKELETON}})


def call_ok(reply):
    res = (reply or {}).get("result") or {}
    return res.get("isError") is False and (res.get("structuredContent") or {}).get("exitCode") == 0


def stdio_call(argv, env, timeout=120):
    """Starts a stdio server, initializes, calls the tool; returns (reply, stderr)."""
    p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=tmp)
    lines = [json.dumps(INIT), json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
             json.dumps(CALL)]
    try:
        p.stdin.write("\n".join(lines) + "\n")
        p.stdin.flush()
    except BrokenPipeError:
        pass
    reply = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("id") == 2:
            reply = msg
            break
    try:
        p.stdin.close()
    except BrokenPipeError:
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    err = p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    return reply, err


def post(url, body, headers=None):
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    h.update(headers or {})
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=h, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


class Server:
    """A shell line that starts `awscli-mcp serve`, on a free loopback port."""

    def __init__(self, line, env):
        self.port = free_port()
        addr = f"127.0.0.1:{self.port}"
        line = re.sub(r"(127\.0\.0\.1|0\.0\.0\.0|localhost):8080", addr, local(line))
        env = dict(env, AWSCLI_MCP_LISTEN=addr)  # for lines without --listen
        self.url = f"http://{addr}/mcp"
        self.errfile = open(os.path.join(tmp, f"serve-{self.port}.log"), "w+")
        self.proc = subprocess.Popen(["bash", "-c", line], env=env, cwd=tmp,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.errfile, start_new_session=True)
        self.ready = False
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            if '"message":"listening"' in self.log():
                self.ready = True
                break
            time.sleep(0.05)

    def log(self):
        self.errfile.seek(0)
        return self.errfile.read()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.errfile.close()


def check_serve_line(where, line):
    s = Server(line, user_env())
    try:
        check(f"{where}: `{line[:60]}` starts and logs listening", s.ready, s.log())
        if not s.ready:
            return
        if "AUTH_TOKEN" in line:
            status, _ = post(s.url, INIT)
            check(f"{where}: the token it sets is required (401 without it)", status == 401, status)
            return
        status, _ = post(s.url, INIT)
        status2, reply = post(s.url, CALL, {"MCP-Protocol-Version": "2025-06-18"})
        check(f"{where}: `{line[:60]}` answers run_aws_cli",
              status == 200 and status2 == 200 and call_ok(reply), (status, status2, reply))
    finally:
        s.stop()


def check_stdio(where, argv, env):
    reply, err = stdio_call(argv, env)
    check(f"{where}: stdio server {' '.join(argv[1:])[:70]} answers run_aws_cli", call_ok(reply),
          f"{reply}\nstderr: {err[-1500:]}")


def shell_lines(code):
    """Logical lines: continuations joined, comments and blank lines dropped."""
    out, cur = [], ""
    for raw in code.splitlines():
        if raw.rstrip().endswith("\\"):
            cur += raw.rstrip()[:-1] + " "
            continue
        cur += raw
        if cur.strip() and not cur.strip().startswith("#"):
            out.append(cur.strip())
        cur = ""
    return out


def env_assignments(words):
    env = {}
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    return env


def check_claude(where, line):
    words = shlex.split(line)
    if "--transport" in words and words[words.index("--transport") + 1] == "http":
        url = next(w for w in words if w.startswith("http://"))
        check(f"{where}: claude HTTP URL is the local endpoint", url == LOCAL_URL, url)
        return
    env = {}
    for i, w in enumerate(words):
        if w in ("--env", "-e") and i + 1 < len(words):
            k, v = words[i + 1].split("=", 1)
            env[k] = v
    cmd = [local(w) for w in words[words.index("--") + 1:]]
    check_stdio(where + " (claude mcp add)", cmd, sdk_env(env))


def check_inspector(where, line, server_for_block):
    words = shlex.split(local(line))
    args = words[2:]  # after `npx @modelcontextprotocol/inspector`
    if any(a.startswith("http://") for a in args):
        srv = server_for_block()
        args = [srv.url if a == LOCAL_URL else a for a in args]
    p = subprocess.run([INSPECTOR] + args, env=user_env(), cwd=tmp, capture_output=True,
                       text=True, timeout=180)
    check(f"{where}: Inspector `{line[:70]}` exits 0", p.returncode == 0,
          p.stdout[-800:] + p.stderr[-800:])
    if "stdio" in args and "--" not in args:
        env, i = {}, 0
        while i < len(args):
            if args[i] == "-e":
                k, v = args[i + 1].split("=", 1)
                env[k] = v
                i += 2
                continue
            i += 1
        cmd = [a for a in args if a == BIN or a == "stdio"]
        check_stdio(where + " (Inspector's -e env only)", cmd, sdk_env(env))


moto = {}


def moto_endpoint():
    """A moto CloudWatch endpoint for the lines that really call AWS (started once)."""
    if "url" not in moto:
        moto["dir"] = os.path.join(tmp, "moto")
        os.makedirs(moto["dir"])
        p = subprocess.run(["bash", os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh"), "start",
                            moto["dir"], "--no-seed"], capture_output=True, text=True, timeout=120)
        moto["url"] = p.stdout.strip()
    return moto["url"]


def check_sh_block(where, code):
    holder = []

    def server_for_block():
        """The server the block's HTTP lines talk to, as the block above it starts it."""
        if not holder:
            env = dict(user_env(), AWSCLI_MCP_AWS_CLI="/usr/bin/aws", AWS_ACCESS_KEY_ID="test",
                       AWS_SECRET_ACCESS_KEY="test", AWSCLI_MCP_ENDPOINT_URL=moto_endpoint())
            holder.append(Server(f"{BIN} serve", env))
        return holder[0]

    try:
        for line in shell_lines(code):
            words = shlex.split(line)
            rest = words[len(env_assignments(list(words))):]
            if rest[:3] == ["claude", "mcp", "add"]:
                check_claude(where, line)
            elif rest[:2] == ["npx", "@modelcontextprotocol/inspector"]:
                check_inspector(where, line, server_for_block)
            elif re.search(r"(^|[\s/])awscli-mcp\s+serve\b", line):
                check_serve_line(where, line)
            elif re.search(r"(^|[\s/])awscli-mcp\s+stdio\b", line):
                check_stdio(where, ["bash", "-c", local(line)], user_env())
            else:
                p = subprocess.run(["bash", "-ec", local(line)], env=user_env(), cwd=tmp,
                                   capture_output=True, text=True, timeout=120)
                check(f"{where}: `{line[:60]}` exits 0", p.returncode == 0, p.stderr[-800:])
    finally:
        for s in holder:
            s.stop()


def check_json_block(where, code):
    doc = json.loads(code)
    servers = doc.get("mcpServers") or doc.get("servers") or {}
    check(f"{where}: a client configuration with servers", bool(servers), code[:200])
    for name, cfg in servers.items():
        if "command" in cfg:
            argv = [local(cfg["command"])] + [local(a) for a in cfg.get("args", [])]
            check_stdio(f"{where} [{name}]", argv, sdk_env(cfg.get("env")))
        elif "url" in cfg:
            check(f"{where} [{name}]: URL is the local endpoint", cfg["url"] == LOCAL_URL,
                  cfg["url"])


def runnable_blocks(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "<!-- runnable -->":
            fence = lines[i + 1].strip() if i + 1 < len(lines) else ""
            lang = fence[3:].strip()
            j = i + 2
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            yield i + 1, fence.startswith("```"), lang, "\n".join(lines[i + 2:j])
            i = j
        i += 1


def markdown_files():
    out = subprocess.run(["git", "ls-files", "*.md"], cwd=SOURCE_DIR, capture_output=True,
                         text=True).stdout.split()
    return [f for f in out if "node_modules" not in f]


TREE_ROOTS = ("src/", "tests/", "docs/", "scripts/", "bench/", "../", "./")


def check_links(md):
    path = os.path.join(SOURCE_DIR, md)
    text = open(path, encoding="utf-8").read()
    base = os.path.dirname(path)
    targets = []
    for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)\)", text):
        targets.append((m.group(1), base))
    # File paths in backticks: relative ones from the file, tree paths from the root.
    for m in re.finditer(r"`([^`\s]+)`", text):
        t = m.group(1)
        if not t.startswith(TREE_ROOTS) or re.search(r"[<>*{}$]", t) or "..." in t[3:]:
            continue
        if not re.search(r"\.[a-z]{1,4}$", t):
            continue  # a module (`src/awscli/argv`) or a directory, not a file
        targets.append((t, base if t.startswith(("../", "./")) else SOURCE_DIR))
    bad = []
    for t, root in targets:
        if re.match(r"^[a-z]+:", t) or t.startswith("#"):
            continue
        file = t.split("#", 1)[0]
        full = os.path.realpath(os.path.join(root, file))
        if not (full == SOURCE_DIR or full.startswith(SOURCE_DIR + os.sep)):
            bad.append(f"{t} (outside the repository)")
        elif not os.path.exists(full):
            bad.append(f"{t} (missing)")
    check(f"{md}: {len(targets)} links and file paths resolve inside the repository", not bad,
          bad)


def check_run_local():
    port = free_port()
    p = subprocess.Popen(["bash", os.path.join(SOURCE_DIR, "scripts", "run-local"), BIN,
                          f"127.0.0.1:{port}"], env=user_env(), cwd=tmp,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    text = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if not line:
            break
        text += line
        if '"message":"listening"' in line:
            break
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    m = re.search(r"for stdio clients: (\{.*\})", text)
    check("make run prints a stdio configuration", m is not None, text)
    if m:
        cfg = json.loads(m.group(1))
        check("make run's HTTP configuration names the port it serves",
              f"http://127.0.0.1:{port}/mcp" in text, text)
        env = dict(cfg.get("env", {}), AWS_REGION="us-east-1")  # "add them to env"
        check_stdio("make run's stdio configuration", [cfg["command"]] + cfg["args"],
                    sdk_env(env))


def main():
    mds = markdown_files()
    check("Markdown files found", len(mds) >= 10, mds)
    for md in mds:
        check_links(md)
    if os.environ.get("SANITIZE", "").upper() in ("1", "ON", "TRUE"):
        # The blocks exercise the real AWS CLI, the Inspector and moto for minutes, and the
        # server paths they reach are the other tests' too: the normal build runs them.
        print("runnable blocks: run in the normal build only")
        return
    count = 0
    for md in mds:
        for line_no, fenced, lang, code in runnable_blocks(os.path.join(SOURCE_DIR, md)):
            where = f"{md}:{line_no}"
            count += 1
            check(f"{where}: the marker is followed by a fenced block", fenced)
            if lang in ("sh", "bash"):
                check_sh_block(where, code)
            elif lang == "json":
                check_json_block(where, code)
            else:
                check(f"{where}: a runnable block is sh or json", False, lang)
    check("runnable blocks found in the docs", count >= 8, count)
    check_run_local()


try:
    main()
finally:
    if moto.get("dir"):
        subprocess.run(["bash", os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh"), "stop",
                        moto["dir"]], capture_output=True)
    subprocess.run(["rm", "-rf", tmp])
sys.exit(r.summary())
