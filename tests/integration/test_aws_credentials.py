#!/usr/bin/env python3
"""The network and CLI sources of src/aws/credentials (through tests/helpers/aws_creds), with
loopback fakes that behave as AWS documents the endpoints:

- container credentials (ECS / EKS Pod Identity): GET on AWS_CONTAINER_CREDENTIALS_FULL_URI
  with the Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE); JSON with
  AccessKeyId, SecretAccessKey, Token, Expiration;
- EC2 instance metadata, IMDSv2: PUT /latest/api/token with
  X-aws-ec2-metadata-token-ttl-seconds, then GET .../iam/security-credentials/ (the role) and
  .../iam/security-credentials/ROLE with X-aws-ec2-metadata-token; 401 without the token;
- the installed AWS CLI (/usr/bin/aws) for a role profile, through its own credential cache.

The local sources and the refresh rules are in tests/unit/test_credentials.c.
"""

import datetime
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

HELPERS = os.environ.get("HELPERS_DIR", os.path.join(SOURCE_DIR, "build", "helpers"))
r = Runner("AWS credentials: container, IMDS and AWS CLI sources against loopback fakes")
tmp = tempfile.mkdtemp(prefix="aws-creds-")
EXP = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)).strftime(
    "%Y-%m-%dT%H:%M:%SZ")


class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log = []
    mode = {}

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        Fake.log.append((self.command, self.path, dict((k.lower(), v) for k, v in self.headers.items())))
        n = int(self.headers.get("content-length") or 0)
        if n:
            self.rfile.read(n)

    def do_GET(self):
        self.record()
        m = Fake.mode
        if self.path == "/creds":  # container
            if self.headers.get("Authorization") != m.get("container_token"):
                return self.reply(401, {"message": "bad token"})
            return self.reply(200, {"AccessKeyId": "AKIDCONTAINER", "SecretAccessKey": "s",
                                    "Token": "container-token", "Expiration": EXP,
                                    "RoleArn": "arn:aws:iam::123456789012:role/task"})
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if m.get("imds_v2") and self.headers.get("X-aws-ec2-metadata-token") != "imds-session":
                return self.reply(401, "", "text/plain")
            role = self.path[len("/latest/meta-data/iam/security-credentials/"):]
            if role == "":
                return self.reply(200, "ec2-role\n", "text/plain")
            if role != "ec2-role":
                return self.reply(404, "", "text/plain")
            return self.reply(200, {"Code": "Success", "Type": "AWS-HMAC",
                                    "AccessKeyId": "AKIDIMDS", "SecretAccessKey": "s",
                                    "Token": "imds-token", "Expiration": EXP})
        if self.path == "/hang":
            threading.Event().wait(30)
        self.reply(404, "", "text/plain")

    def do_PUT(self):
        self.record()
        if self.path == "/latest/api/token":
            if not Fake.mode.get("imds_v2"):
                return self.reply(405, "", "text/plain")
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.reply(400, "", "text/plain")
            return self.reply(200, "imds-session", "text/plain")
        self.reply(404, "", "text/plain")


srv = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % srv.server_address[1]

# A listener that accepts and never answers: an unreachable metadata service.
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(16)
silent_url = "http://127.0.0.1:%d" % silent.getsockname()[1]


def creds(env_extra, args=()):
    env = {"PATH": os.environ["PATH"], "HOME": tmp,
           "AWS_CONFIG_FILE": os.path.join(tmp, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "credentials"),
           "AWS_EC2_METADATA_SERVICE_ENDPOINT": silent_url}
    env.update(env_extra)
    env = {k: v for k, v in env.items() if v is not None}
    Fake.log = []
    p = subprocess.run([os.path.join(HELPERS, "aws_creds"), *args], env=env, capture_output=True,
                       text=True, timeout=120)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": "no JSON: %r %r" % (p.stdout, p.stderr)}


def write(name, text):
    path = os.path.join(tmp, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


write("config", "")
write("credentials", "")

# ---- container ----
Fake.mode = {"container_token": "Bearer secret-1"}
got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer secret-1"})
r.eq("container: FULL_URI with the token variable", (got.get("source"), got.get("access_key_id"),
     got.get("session_token")), ("container", "AKIDCONTAINER", "container-token"))
r.eq("container: one GET with Accept: application/json",
     [(m, p, h.get("accept")) for m, p, h in Fake.log], [("GET", "/creds", "application/json")])

tokfile = write("pod-identity-token", "Bearer secret-1\n")
got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokfile})
r.eq("container: the token file wins over the variable (EKS Pod Identity)",
     got.get("access_key_id"), "AKIDCONTAINER")

got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong"})
r.check("container: a refused token is an error naming the status",
        "answered 401" in got.get("error", ""), got)
r.eq("container: ...after the CLI's 3 attempts", len(Fake.log), 3)

got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"})
r.check("container: http to a host that is not loopback or an ECS/EKS address is refused",
        "is not allowed over http" in got.get("error", ""), got)

got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer secret-1",
             "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"})
r.eq("precedence: the environment beats the container", got.get("source"), "environment")
write("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n")
got = creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer secret-1"})
r.eq("precedence: the default profile beats the container", got.get("access_key_id"), "AKIDFILE")
write("credentials", "")

# ---- IMDS ----
Fake.mode = {"imds_v2": True}
got = creds({"AWS_EC2_METADATA_SERVICE_ENDPOINT": base})
r.eq("IMDSv2: role credentials", (got.get("source"), got.get("access_key_id"),
     got.get("session_token")), ("imds", "AKIDIMDS", "imds-token"))
r.eq("IMDSv2: a PUT for the token, then two GETs carrying it",
     [(m, p, h.get("x-aws-ec2-metadata-token")) for m, p, h in Fake.log],
     [("PUT", "/latest/api/token", None),
      ("GET", "/latest/meta-data/iam/security-credentials/", "imds-session"),
      ("GET", "/latest/meta-data/iam/security-credentials/ec2-role", "imds-session")])
r.eq("IMDSv2: the token TTL header is the CLI's 21600",
     Fake.log[0][2].get("x-aws-ec2-metadata-token-ttl-seconds"), "21600")

Fake.mode = {"imds_v2": False}
got = creds({"AWS_EC2_METADATA_SERVICE_ENDPOINT": base})
r.eq("IMDSv1 fallback when the token PUT is not supported (405)", got.get("access_key_id"),
     "AKIDIMDS")

got = creds({"AWS_EC2_METADATA_SERVICE_ENDPOINT": base, "AWS_EC2_METADATA_DISABLED": "true"})
r.check("AWS_EC2_METADATA_DISABLED=true: IMDS is not asked", not Fake.log and
        "AWS_EC2_METADATA_DISABLED" in got.get("error", ""), (got, Fake.log))

got = creds({})
r.check("an unanswering metadata service ends the chain with a clear error",
        "no AWS credentials found" in got.get("error", "") and
        "instance metadata" in got.get("error", ""), got)

Fake.mode = {"imds_v2": True, "container_token": "t"}
got = creds({"AWS_EC2_METADATA_SERVICE_ENDPOINT": base,
             "AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"})
r.eq("precedence: the container beats IMDS", got.get("source"), "container")

# ---- a role profile through the installed AWS CLI ----
role = "arn:aws:iam::123456789012:role/cached-role"
write("config", "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n"
      "[profile r]\nrole_arn = %s\nsource_profile = base\n"
      "[profile broken]\nrole_arn = %s\nsource_profile = missing\n" % (role, role))
# The CLI keeps assumed-role credentials in ~/.aws/cli/cache, named by the SHA-1 of the
# AssumeRole arguments (botocore AssumeRoleCredentialFetcher._create_cache_key).
key = hashlib.sha1(json.dumps({"RoleArn": role}, sort_keys=True).encode()).hexdigest()
write(".aws/cli/cache/%s.json" % key, json.dumps({"Credentials": {
    "AccessKeyId": "AKIDROLE", "SecretAccessKey": "s", "SessionToken": "role-token",
    "Expiration": EXP}}))
got = creds({}, ["--profile", "r", "--aws-cli", "/usr/bin/aws"])
r.eq("role profile: aws configure export-credentials through /usr/bin/aws",
     (got.get("source"), got.get("access_key_id"), got.get("session_token")),
     ("aws configure export-credentials", "AKIDROLE", "role-token"))
r.check("role profile: the expiry comes along", got.get("expiration", 0) > 0, got)
got = creds({}, ["--profile", "broken", "--aws-cli", "/usr/bin/aws"])
r.check("a profile the CLI cannot resolve: the CLI's own message",
        "export-credentials exited with status" in got.get("error", ""), got)

srv.shutdown()
sys.exit(r.summary())
