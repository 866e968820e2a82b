#!/usr/bin/env python3
"""Our SigV4 signer (src/aws/sigv4, through tests/helpers/sigv4_sign) against botocore's
SigV4Auth on random requests: methods, paths with dot segments, repeated slashes, spaces,
UTF-8 and already-encoded bytes, canonical query strings with repeated keys, headers with odd
case, runs of whitespace, repeats and never-signed names, random bodies, session tokens,
regions, services and dates. Both must produce the same Authorization header.

SIGV4_CASES (default 2000) sets the count, SIGV4_SEED the seed (printed, to replay a failure).
Botocore assumes the query string is already canonically encoded (it sorts but does not
re-encode), so the generator only makes such query strings; decoding and re-encoding is covered
by the official suite in tests/unit/test_sigv4.c.
"""

import base64
import datetime
import json
import os
import random
import subprocess
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

HELPERS = os.environ.get("HELPERS_DIR", os.path.join(SOURCE_DIR, "build", "helpers"))
CASES = int(os.environ.get("SIGV4_CASES", "2000"))
SEED = int(os.environ.get("SIGV4_SEED", str(random.randrange(1 << 30))))

r = Runner("SigV4: our signer agrees with botocore SigV4Auth (seed %d, %d requests)" % (SEED, CASES))
rnd = random.Random(SEED)

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
PATH_CHARS = UNRESERVED + " !$&'()*+,;=:@[]\"<>^`{|}" + "é€ሴ"
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!#$%&'*+.^`|~"
VALUE_CHARS = "".join(chr(c) for c in range(0x21, 0x7F))
RESERVED_NAMES = {"authorization", "x-amz-date", "x-amz-security-token", "date", "host"}


def rstr(chars, lo, hi):
    return "".join(rnd.choice(chars) for _ in range(rnd.randint(lo, hi)))


def rpath():
    segs = []
    for _ in range(rnd.randint(0, 6)):
        k = rnd.random()
        if k < 0.1:
            segs.append(".")
        elif k < 0.2:
            segs.append("..")
        elif k < 0.3:
            segs.append("")
        elif k < 0.4:
            segs.append("%%%02X" % rnd.randrange(256) + rstr(UNRESERVED, 0, 3))
        else:
            segs.append(rstr(PATH_CHARS, 1, 10))
    p = "/" + "/".join(segs)
    if rnd.random() < 0.2:
        p += "/"
    return p


def renc(lo, hi):
    """A canonically encoded query component: unreserved raw, everything else %XX."""
    out = []
    for _ in range(rnd.randint(lo, hi)):
        if rnd.random() < 0.8:
            out.append(rnd.choice(UNRESERVED))
        else:
            c = rnd.randrange(256)
            ch = chr(c)
            out.append(ch if ch in UNRESERVED else "%%%02X" % c)
    return "".join(out)


def rquery():
    pairs = []
    keys = [renc(1, 8) for _ in range(rnd.randint(1, 4))]
    for _ in range(rnd.randint(0, 6)):
        pairs.append("%s=%s" % (rnd.choice(keys), renc(0, 10)))
    return "&".join(pairs)


def rheaders(host):
    names = [rstr(TOKEN_CHARS, 1, 12) for _ in range(rnd.randint(0, 6))]
    names += rnd.sample(["User-Agent", "Content-Type", "X-Amzn-Trace-Id", "Connection",
                         "Expect", "TE", "x-amz-target", "Content-Length"], rnd.randint(0, 3))
    hs = [("Host", host)]
    for _ in range(rnd.randint(0, 10)):
        if not names:
            break
        n = rnd.choice(names)
        if n.lower() in RESERVED_NAMES:
            continue
        n = "".join(c.upper() if rnd.random() < 0.3 else c for c in n)
        v = rstr(VALUE_CHARS + "  \t", 0, 20)
        hs.append((n, v))
    rnd.shuffle(hs)
    return hs


def make_case():
    region = rnd.choice(["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1"])
    service = rnd.choice(["lambda", "logs", "monitoring", "execute-api", "sts", "service"])
    host = rnd.choice(["abcdefghij1234567890klmnop.lambda-url.%s.on.aws" % region,
                       "%s.%s.amazonaws.com" % (service, region), "127.0.0.1:8080"])
    body = bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 0, 1, 17, 300])))
    when = rnd.randrange(946684800, 1893456000)  # 2000..2030
    token = rnd.choice([None, None, rstr(UNRESERVED + "/+=", 20, 300)])
    return {
        "method": rnd.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
        "path": rpath(),
        "query": rquery() if rnd.random() < 0.7 else "",
        "headers": rheaders(host),
        "body_b64": base64.b64encode(body).decode(),
        "body": body,
        "region": region,
        "service": service,
        "when": when,
        "access_key": "AKIA" + rstr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
        "secret_key": rstr(UNRESERVED + "/+", 40, 40),
        "token": token or "",
        "host": host,
    }


def botocore_sign(c):
    url = "https://" + c["host"] + c["path"] + ("?" + c["query"] if c["query"] else "")
    req = AWSRequest(method=c["method"], url=url, data=c["body"])
    for n, v in c["headers"]:
        req.headers[n] = v  # HTTPHeaders appends: repeats stay repeats
    when = datetime.datetime.fromtimestamp(c["when"], datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda: when
    creds = Credentials(c["access_key"], c["secret_key"], c["token"] or None)
    auth = botocore.auth.SigV4Auth(creds, c["service"], c["region"])
    auth.add_auth(req)
    cr = auth.canonical_request(req)
    return req.headers["Authorization"], req.headers["X-Amz-Date"], cr


helper = os.path.join(HELPERS, "sigv4_sign")
proc = subprocess.Popen([helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
cases = [make_case() for _ in range(CASES)]
agree = 0
shown = 0
for c in cases:
    msg = {k: v for k, v in c.items() if k not in ("body", "host")}
    proc.stdin.write(json.dumps(msg) + "\n")
    proc.stdin.flush()
    ours = json.loads(proc.stdout.readline())
    want_auth, want_date, want_cr = botocore_sign(c)
    ok = ours.get("authorization") == want_auth and ours.get("amz_date") == want_date
    if ok:
        agree += 1
    elif shown < 3:
        shown += 1
        r.check("request %r %r %r" % (c["method"], c["path"], c["query"]), False,
                "\nours:     %r\nbotocore: %r\nour canonical request:\n%s\nbotocore's:\n%s"
                % (ours.get("authorization") or ours.get("error"), want_auth,
                   ours.get("canonical_request"), want_cr))
proc.stdin.close()
proc.wait()
r.eq("helper exit status", proc.returncode, 0)
r.check("%d of %d random requests sign as botocore signs them" % (agree, CASES), agree == CASES)
r.check("at least 1000 requests compared", CASES >= 1000)
sys.exit(r.summary())
