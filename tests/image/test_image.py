#!/usr/bin/env python3
"""What is inside the built container image, run from the image itself (scripts/test-image).

The image's configuration (entrypoint without a mode argument, HOME=/tmp, a non-root user),
its entrypoint binary (--version), its AWS CLI (v2) or its absence, the build's models check
verdict, and then the image's own binary (and CLI) serving MCP as a Lambda custom runtime:
tests/lambda/harness.py plays Lambda on 127.0.0.1 and starts the image's entrypoint through
tests/image/run-entrypoint (buildah run, chroot isolation, the host's loopback), exactly as
Lambda starts a container image: no arguments, AWS_LAMBDA_RUNTIME_API set. initialize,
tools/list and run_aws_cli calls go through the Function URL front door against moto on the
host.

Two kinds of image (IMAGE_KIND):
- debian (AWSCLI_SOURCE=debian): engine `auto`; the CLI's models match the tables, so the
  default commands are answered by the native engine, and a command the engine hands over
  (`--output table`) runs the image's AWS CLI;
- none (AWSCLI_SOURCE=none): no AWS CLI, AWSCLI_MCP_ENGINE=native from the image; the same
  commands answered natively, the handed-over one refused with the clear error.

Environment: IMAGE_CONTAINER (a `buildah from` working container of the image), IMAGE_TAG,
IMAGE_KIND (debian or none; default debian).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Harness, Runner  # noqa: E402

CONTAINER = os.environ["IMAGE_CONTAINER"]
TAG = os.environ.get("IMAGE_TAG", "")
KIND = os.environ.get("IMAGE_KIND", "debian")
if KIND not in ("debian", "none"):
    sys.exit("IMAGE_KIND must be debian or none, not %r" % KIND)
# The engine must come from the image's own ENV (or its default), not from this environment:
# run-entrypoint passes AWSCLI_MCP_* variables on.
os.environ.pop("AWSCLI_MCP_ENGINE", None)
BUILDAH = ["buildah", "--storage-driver", "vfs"]
RUN_ENTRYPOINT = os.path.join(SOURCE_DIR, "tests", "image", "run-entrypoint")
MOTO = os.path.join(SOURCE_DIR, "tests", "lib", "moto.sh")

r = Runner("container image %s" % TAG)


def in_image(*argv, timeout=120):
    p = subprocess.run(BUILDAH + ["run", "--isolation", "chroot", CONTAINER, "--"] + list(argv),
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(awscli-mcp VERSION ([0-9.]+)", f.read())
    return m.group(1) if m else "?"


def config():
    out = subprocess.run(BUILDAH + ["inspect", "--type", "container", CONTAINER],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["OCIv1"]["config"]


def check_config():
    c = config()
    r.eq("entrypoint is the server binary", c.get("Entrypoint"), ["/usr/local/bin/awscli-mcp"])
    r.check("no CMD: no mode argument, AWS_LAMBDA_RUNTIME_API selects lambda mode",
            not c.get("Cmd"), c.get("Cmd"))
    env = dict(e.split("=", 1) for e in c.get("Env") or [])
    r.eq("HOME is /tmp (Lambda's only writable path)", env.get("HOME"), "/tmp")
    r.check("runs as a non-root user", c.get("User") not in (None, "", "root", "0"),
            c.get("User"))
    if KIND == "none":
        r.eq("the image without the CLI sets AWSCLI_MCP_ENGINE=native",
             env.get("AWSCLI_MCP_ENGINE"), "native")
    else:
        r.check("the image with the CLI leaves the engine at its default (auto)",
                "AWSCLI_MCP_ENGINE" not in env, env)


def check_binaries():
    code, out = in_image("/usr/local/bin/awscli-mcp", "--version")
    r.check("entrypoint binary answers --version",
            code == 0 and out.strip() == "awscli-mcp " + project_version(), (code, out))
    verdict = "/usr/local/share/awscli-mcp/cli-models-check.txt"
    if KIND == "none":
        code, out = in_image("sh", "-c", "command -v aws || echo no-aws")
        r.check("no AWS CLI in the image", code == 0 and out.strip() == "no-aws", (code, out))
        code, out = in_image("cat", verdict)
        r.check("the build recorded: the native engine only",
                code == 0 and out.startswith("no AWS CLI: the native engine only"), (code, out))
    else:
        code, out = in_image("aws", "--version")
        r.check("aws --version in the image reports AWS CLI v2",
                code == 0 and out.startswith("aws-cli/2."), (code, out))
        code, out = in_image("cat", verdict)
        r.check("the build's models check: the image's CLI has the tables' models (engine on)",
                code == 0 and out.startswith("native engine ON: the AWS CLI at aws (2.9.19)"),
                (code, out))
        code, out = in_image("/usr/local/share/awscli-mcp/check-cli-models",
                             "/usr/local/share/awscli-mcp/models.sha256", "/usr/bin/aws")
        r.check("the models check runs again in the image, as the image's user",
                code == 0 and out.startswith("native engine ON"), (code, out))
    code, out = in_image("sh", "-c", "id -u; touch /tmp/w && echo tmp-ok; touch /w 2>&1 || true")
    lines = out.split("\n")
    r.check("the image's user is not root, writes /tmp, cannot write /",
            code == 0 and lines[0] != "0" and "tmp-ok" in out and "Permission denied" in out,
            (code, out))


def body_of(status, body):
    try:
        return json.loads(body) if status == 200 else {}
    except ValueError:
        return {}


def call(id_, command):
    return {"jsonrpc": "2.0", "id": id_, "method": "tools/call",
            "params": {"name": "run_aws_cli", "arguments": {"command": command}}}


def text_of(res):
    return "".join(c.get("text", "") for c in res.get("content", []))


def check_lambda(endpoint, tmp):
    env = {"AWSCLI_MCP_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "", "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
    log = os.path.join(tmp, "runtime.log")
    with Harness([RUN_ENTRYPOINT, CONTAINER], env=env, log=log) as h:
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "image-test", "version": "1"}}}
        status, _, body = h.mcp(init)
        doc = body_of(status, body)
        info = doc.get("result", {}).get("serverInfo", {})
        r.check("initialize through the Function URL: the image's server answers",
                status == 200 and info.get("version") == project_version(), (status, body[:300]))
        sid = None
        status, headers, body = h.mcp({"jsonrpc": "2.0", "method": "notifications/initialized"})
        r.check("notifications/initialized accepted", status in (200, 202), (status, body[:200]))
        for k, v in headers.items():
            if k.lower() == "mcp-session-id":
                sid = v
        extra = {"Mcp-Session-Id": sid} if sid else {}

        status, _, body = h.mcp({"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                                extra_headers=extra)
        tools = [t.get("name") for t in body_of(status, body).get("result", {}).get("tools", [])]
        r.check("tools/list lists run_aws_cli", "run_aws_cli" in tools, (status, body[:300]))

        # One page (--no-paginate): the native engine answers it whether or not it pages yet.
        status, _, body = h.mcp(call(3, "logs describe-log-groups --no-paginate"),
                                extra_headers=extra)
        res = body_of(status, body).get("result", {})
        r.check("run_aws_cli logs describe-log-groups --no-paginate reads moto",
                res.get("isError") is False and "/aws/lambda/my-function" in text_of(res),
                (status, body[:500]))
        r.eq("logs describe-log-groups --no-paginate: answered by the native engine",
             res.get("structuredContent", {}).get("engine"), "native")
        if KIND == "debian":
            status, _, body = h.mcp(call(8, "logs describe-log-groups"), extra_headers=extra)
            res = body_of(status, body).get("result", {})
            r.check("run_aws_cli logs describe-log-groups (either engine) reads moto",
                    res.get("isError") is False and "/aws/lambda/my-function" in text_of(res),
                    (status, body[:500]))

        status, _, body = h.mcp(call(4, "sts get-caller-identity"), extra_headers=extra)
        res = body_of(status, body).get("result", {})
        r.check("run_aws_cli sts get-caller-identity answers",
                res.get("isError") is False and "Account" in text_of(res), (status, body[:500]))
        r.eq("sts get-caller-identity: answered by the native engine",
             res.get("structuredContent", {}).get("engine"), "native")

        status, _, body = h.mcp(call(5, "logs delete-log-group --log-group-name x"),
                                extra_headers=extra)
        res = body_of(status, body).get("result", {})
        r.check("the image's server refuses a write command",
                res.get("isError") is True, (status, body[:300]))

        # --output table is the CLI's alone: the engine hands it over.
        status, _, body = h.mcp(call(7, "logs describe-log-groups --output table"),
                                extra_headers=extra)
        res = body_of(status, body).get("result", {})
        if KIND == "none":
            r.check("without the CLI, a command the engine hands over is refused, saying why",
                    res.get("isError") is True
                    and "the native engine cannot run this command exactly" in text_of(res)
                    and "AWSCLI_MCP_ENGINE=native" in text_of(res), (status, body[:600]))
        else:
            r.check("a command the engine hands over runs the image's AWS CLI",
                    res.get("isError") is False
                    and res.get("structuredContent", {}).get("engine") == "cli"
                    and "DescribeLogGroups" in text_of(res), (status, body[:600]))

        err, body = h.invoke({"jsonrpc": "2.0", "id": 6, "method": "tools/list"})
        r.check("direct invoke (JSON-RPC event) answered",
                err is None and b"run_aws_cli" in body, (err, body[:300]))

        st = h.state()
        r.eq("one runtime process served every invocation (warm)", st.get("starts"), 1)
        lines = h.log_lines()
        start = [ln for ln in lines if str(ln.get("message", "")).startswith("engine:")]
        r.check("the runtime's start line names the engine (%s)" % KIND,
                len(start) == 1 and start[0].get("engine") == ("native" if KIND == "none" else "auto"),
                start or lines[:5])
        inv = [ln for ln in lines if ln.get("message") == "invocation"]
        r.check("the runtime logged one JSON invocation line per event, with requestId",
                len(inv) >= 7 and all(ln.get("requestId") for ln in inv), lines[-5:])


def main():
    check_config()
    check_binaries()
    tmp = tempfile.mkdtemp(prefix="image-test-")
    moto_dir = os.path.join(tmp, "moto")
    # moto's seeding gives each CLI call 30 s; a loaded machine can miss that once.
    for _ in range(2):
        p = subprocess.run(["bash", MOTO, "start", moto_dir], capture_output=True, text=True)
        if p.returncode == 0:
            break
    if p.returncode != 0:
        r.check("moto started", False, p.stderr)
        return r.summary()
    try:
        check_lambda(p.stdout.strip(), tmp)
    finally:
        subprocess.run(["bash", MOTO, "stop", moto_dir])
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
