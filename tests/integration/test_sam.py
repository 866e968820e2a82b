#!/usr/bin/env python3
"""sam/template.yaml: cfn-lint passes, and the template deploys what the Terraform module does.

cfn-lint (AWS's CloudFormation linter, with the resource schemas) must report nothing. Then,
on the template as cfn-lint decodes it: the parameters match the module's inputs, the role
grants exactly the read actions that terraform/modules/lambda_mcp/iam.tf grants (read from
that file, so the two cannot drift) and writes only to its own log group, the Function URL's
AuthType follows AuthorizationType, and both permissions exist for NONE (principal "*",
FunctionUrlAuthType NONE / InvokedViaFunctionUrl true) and for each AllowedPrincipals entry
with AWS_IAM.
"""

import os
import re
import subprocess
import sys

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402

from cfnlint.decode import decode  # noqa: E402

TEMPLATE = os.path.join(SOURCE_DIR, "sam", "template.yaml")
r = Runner("SAM / CloudFormation template")

p = subprocess.run(["cfn-lint", "--format", "parseable", TEMPLATE], capture_output=True,
                   text=True)
r.check("cfn-lint reports nothing", p.returncode == 0 and not p.stdout.strip(),
        (p.returncode, p.stdout[-2000:], p.stderr[-1000:]))

# The linter itself finds a wrong property (so the check above can fail).
with open(TEMPLATE, encoding="utf-8") as f:
    text = f.read()
bad = os.path.join(os.environ.get("TMPDIR", "/tmp"), "awscli-mcp-bad-template-%d.yaml" % os.getpid())
with open(bad, "w", encoding="utf-8") as f:
    f.write(text.replace("InvokedViaFunctionUrl: true", "InvokedViaFunctionUrl: yes-please", 1))
p = subprocess.run(["cfn-lint", "--format", "parseable", bad], capture_output=True, text=True)
os.unlink(bad)
r.check("cfn-lint rejects a mistyped InvokedViaFunctionUrl", p.returncode != 0, p.stdout[-500:])

tpl, matches = decode(TEMPLATE)
r.check("template decodes", tpl is not None and not matches, matches)
params = tpl.get("Parameters", {})
res = tpl.get("Resources", {})

# Parameters: the module's inputs, CamelCase (aws_region is the stack's region, tags are the
# stack's tags, environment has no CloudFormation map parameter: LogLevel covers its main use).
want = {"FunctionName": "awscli-mcp", "EcrRepositoryName": "awscli-mcp", "ImageTag": "latest",
        "Timeout": 300, "MemorySize": 512, "Architecture": "arm64", "AuthorizationType": "NONE",
        "AllowedPrincipals": "", "AuthToken": "", "AllowedCommands": "", "DeniedCommands": "",
        "ExtraPolicyArns": "", "LogRetentionDays": 30, "LogLevel": "info",
        "ReservedConcurrentExecutions": -1, "CorsAllowOrigins": ""}
r.eq("parameters", sorted(params), sorted(want))
for name, default in want.items():
    got = params.get(name, {}).get("Default")
    r.check("parameter %s default %r" % (name, default), str(got) == str(default), got)
r.eq("AuthorizationType allowed values", params.get("AuthorizationType", {}).get("AllowedValues"),
     ["NONE", "AWS_IAM"])
r.check("AuthToken is NoEcho", params.get("AuthToken", {}).get("NoEcho") in (True, "true"))
rule = tpl.get("Rules", {}).get("TokenRequiredWithNone", {})
r.check("a rule requires AuthToken with NONE", "AuthToken" in str(rule) and "NONE" in str(rule),
        rule)

# IAM: the same actions as the Terraform module.
with open(os.path.join(SOURCE_DIR, "terraform", "modules", "lambda_mcp", "iam.tf"),
          encoding="utf-8") as f:
    tf_reads = set(re.findall(r'^\s*"((?:logs|cloudwatch):[A-Za-z]+)",$', f.read(), re.M))
stmts = res.get("Role", {}).get("Properties", {}).get("Policies", [{}])[0] \
    .get("PolicyDocument", {}).get("Statement", [])
reads = {a for s in stmts if s.get("Sid", "").endswith("Read") for a in s.get("Action", [])}
r.check("Terraform's iam.tf lists 20 read actions", len(tf_reads) == 20, sorted(tf_reads))
r.eq("role grants exactly the module's read actions", sorted(reads), sorted(tf_reads))
actions = [a for s in stmts for a in s.get("Action", [])]
r.check("no '*' action", actions and all("*" not in a for a in actions), actions)
own = [s for s in stmts if "logs:PutLogEvents" in s.get("Action", [])]
r.check("log writes only to its own log group",
        len(own) == 1 and own[0].get("Resource") == {"Fn::GetAtt": ["LogGroup", "Arn"]} and
        sorted(own[0]["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"], own)

fn = res.get("Function", {}).get("Properties", {})
r.eq("image function", fn.get("PackageType"), "Image")
r.eq("logs into its own log group", fn.get("LoggingConfig", {}).get("LogGroup"),
     {"Ref": "LogGroup"})
r.eq("log group /aws/lambda/<FunctionName>",
     res.get("LogGroup", {}).get("Properties", {}).get("LogGroupName"),
     {"Fn::Sub": "/aws/lambda/${FunctionName}"})
url = res.get("FunctionUrl", {}).get("Properties", {})
r.eq("Function URL AuthType follows AuthorizationType", url.get("AuthType"),
     {"Ref": "AuthorizationType"})

perms = {k: v for k, v in res.items()
         if isinstance(v, dict) and v.get("Type") == "AWS::Lambda::Permission"}
a = perms.get("PublicInvokeFunctionUrlPermission", {})
b = perms.get("PublicInvokeFunctionPermission", {})
r.check("NONE: lambda:InvokeFunctionUrl for '*' with FunctionUrlAuthType NONE",
        a.get("Condition") == "IsNone" and a["Properties"] == {
            "Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Ref": "Function"},
            "Principal": "*", "FunctionUrlAuthType": "NONE"}, a)
r.check("NONE: lambda:InvokeFunction for '*' with InvokedViaFunctionUrl",
        b.get("Condition") == "IsNone" and b["Properties"] == {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Function"},
            "Principal": "*", "InvokedViaFunctionUrl": True}, b)
loop = res.get("Fn::ForEach::Principals", [])
body = loop[2] if len(loop) == 3 else {}
iam_perms = sorted((v["Properties"]["Action"], v["Properties"].get("FunctionUrlAuthType"),
                    v["Properties"].get("InvokedViaFunctionUrl"), v.get("Condition"))
                   for v in body.values())
r.check("AWS_IAM: a loop over AllowedPrincipals", loop[:2] == ["Principal",
                                                                 {"Ref": "AllowedPrincipals"}],
        loop[:2])
r.eq("AWS_IAM: each principal gets both actions", iam_perms,
     [("lambda:InvokeFunction", None, True, "IsIamWithPrincipals"),
      ("lambda:InvokeFunctionUrl", "AWS_IAM", None, "IsIamWithPrincipals")])
r.eq("outputs", sorted(tpl.get("Outputs", {})),
     sorted(["FunctionUrl", "FunctionName", "FunctionArn", "RoleArn", "LogGroupName",
             "McpClientConfig"]))
sys.exit(r.summary())
