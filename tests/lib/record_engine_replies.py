"""Records real service replies for the engine's protocol tests (tests/data/engine/replies/).

Starts moto (tests/lib/moto.sh, seeded), adds data with Unicode, tabs, quotes, long messages
and doubles such as 0.1, 1e-07 and 123456789.125, then for each command:
  1. asks the engine for the request it would send (tests/helpers/engine_tool request),
  2. sends exactly that with curl --aws-sigv4 (an independent signer) and keeps the status,
     the x-amzn-query-error header and the body,
  3. runs the real CLI (/usr/bin/aws) on the same command against the same moto and keeps its
     stdout, stderr and exit code.
Each command becomes one JSON file. tests/integration/test_engine_protocol.py then checks,
offline, that the engine's parse + output of the recorded reply equals the CLI's recorded
stdout (or stderr and exit code for a service error) byte for byte.

    python3 tests/lib/record_engine_replies.py BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(SRC, "tests", "data", "engine", "replies")
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
           AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_CONFIG_FILE="/nonexistent",
           AWS_SHARED_CREDENTIALS_FILE="/nonexistent")


def aws(endpoint, *words, check=True):
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint] + list(words),
                       capture_output=True, env=ENV, timeout=60)
    if check and p.returncode != 0:
        sys.exit("seeding failed: aws %s: %s" % (" ".join(words), p.stderr.decode()))
    return p


def seed(endpoint, now_s):
    g = "/aws/lambda/unicode-\u00e9t\u00e9"
    aws(endpoint, "logs", "create-log-group", "--log-group-name", g)
    aws(endpoint, "logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", "s1")
    events = [{"timestamp": (now_s - 50) * 1000 + i,
               "message": m} for i, m in enumerate([
                   "caf\u00e9 \u65e5\u672c\u8a9e \U0001F600",
                   "tab\there \"quoted\" back\\slash",
                   "x" * 3000,
                   "line1\nline2"])]
    aws(endpoint, "logs", "put-log-events", "--log-group-name", g, "--log-stream-name", "s1",
        "--log-events", json.dumps(events))
    aws(endpoint, "logs", "put-retention-policy", "--log-group-name", g,
        "--retention-in-days", "14")
    data = [{"MetricName": "Latency", "Value": v, "Unit": "Seconds",
             "Timestamp": now_s - 300 + i * 60,
             "Dimensions": [{"Name": "Service", "Value": "caf\u00e9"}]}
            for i, v in enumerate([0.1, 1e-07, 123456789.125])]
    aws(endpoint, "cloudwatch", "put-metric-data", "--namespace", "Custom/Test", "--metric-data",
        json.dumps(data))
    aws(endpoint, "cloudwatch", "put-metric-alarm", "--alarm-name", "latency \u00e9 high",
        "--namespace", "Custom/Test", "--metric-name", "Latency", "--statistic", "Average",
        "--period", "60", "--evaluation-periods", "1", "--threshold", "0.1",
        "--comparison-operator", "GreaterThanThreshold", "--alarm-description",
        "tab\tand \"quotes\"")


def commands(env):
    now = int(env["SEED_NOW_S"])
    g = env["SEED_LOG_GROUP"]
    start, end = str(now - 3600), str(now + 60)
    return [
        ["logs", "describe-log-groups", "--no-paginate"],
        ["logs", "describe-log-groups", "--no-paginate", "--output", "text"],
        ["logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/unicode",
         "--no-paginate"],
        ["logs", "describe-log-streams", "--log-group-name", g, "--no-paginate"],
        ["logs", "describe-log-streams", "--log-group-name", g, "--no-paginate", "--output",
         "text"],
        ["logs", "filter-log-events", "--log-group-name", g, "--no-paginate"],
        ["logs", "filter-log-events", "--log-group-name", g, "--no-paginate", "--output", "text"],
        ["logs", "filter-log-events", "--log-group-name", "/aws/lambda/unicode-\u00e9t\u00e9",
         "--no-paginate"],
        ["logs", "filter-log-events", "--log-group-name", "/aws/lambda/unicode-\u00e9t\u00e9",
         "--no-paginate", "--output", "text"],
        ["logs", "filter-log-events", "--log-group-name", g, "--filter-pattern", "ERROR",
         "--no-paginate"],
        ["logs", "get-log-events", "--log-group-name", g, "--log-stream-name",
         env["SEED_LOG_STREAM"]],
        ["logs", "get-log-events", "--log-group-name", g, "--log-stream-name",
         env["SEED_LOG_STREAM"], "--limit", "2", "--output", "text"],
        ["logs", "filter-log-events", "--log-group-name", "/nope", "--no-paginate"],
        ["logs", "get-log-events", "--log-group-name", "/nope", "--log-stream-name", "x"],
        ["logs", "describe-metric-filters", "--no-paginate"],
        ["logs", "describe-subscription-filters", "--log-group-name", g, "--no-paginate"],
        ["logs", "list-tags-log-group", "--log-group-name", g],
        ["logs", "describe-destinations", "--no-paginate"],
        ["logs", "describe-queries", "--no-paginate"],
        ["logs", "describe-resource-policies", "--no-paginate"],
        ["logs", "describe-export-tasks", "--no-paginate"],
        ["cloudwatch", "list-metrics", "--no-paginate"],
        ["cloudwatch", "list-metrics", "--namespace", "AWS/Lambda", "--no-paginate"],
        ["cloudwatch", "list-metrics", "--namespace", "Custom/Test", "--no-paginate", "--output",
         "text"],
        ["cloudwatch", "describe-alarms", "--no-paginate"],
        ["cloudwatch", "describe-alarms", "--no-paginate", "--output", "text"],
        ["cloudwatch", "describe-alarms", "--alarm-names", "nope", "--no-paginate"],
        ["cloudwatch", "describe-alarms-for-metric", "--metric-name", "Errors", "--namespace",
         "AWS/Lambda"],
        ["cloudwatch", "get-metric-statistics", "--namespace", "Custom/Test", "--metric-name",
         "Latency", "--dimensions", '[{"Name": "Service", "Value": "caf\u00e9"}]', "--start-time", start,
         "--end-time", end, "--period", "60", "--statistics", "Average", "Maximum"],
        ["cloudwatch", "get-metric-statistics", "--namespace", "Custom/Test", "--metric-name",
         "Latency", "--dimensions", '[{"Name": "Service", "Value": "caf\u00e9"}]', "--start-time", start,
         "--end-time", end, "--period", "60", "--statistics", "Sum", "--output", "text"],
        ["cloudwatch", "get-metric-data", "--metric-data-queries",
         '[{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Custom/Test", "MetricName": '
         '"Latency", "Dimensions": [{"Name": "Service", "Value": "caf\u00e9"}]}, "Period": 60, '
         '"Stat": "Average"}}, {"Id": "m2", "Expression": "m1 * 2", "Label": "double \u00e9"}]',
         "--start-time", start, "--end-time", end, "--no-paginate"],
        ["cloudwatch", "get-metric-data", "--metric-data-queries",
         '[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Duration","Dimensions":[{"Name":"FunctionName","Value":"my-function"}]},"Period":60,"Stat":"Sum"}}]',
         "--start-time", start, "--end-time", end, "--no-paginate", "--output", "text"],
        ["cloudwatch", "get-dashboard", "--dashboard-name", "nope"],
        ["cloudwatch", "list-dashboards", "--no-paginate"],
        ["cloudwatch", "describe-alarm-history", "--no-paginate"],
        ["cloudwatch", "describe-anomaly-detectors", "--no-paginate"],
        ["cloudwatch", "describe-insight-rules"],
        ["cloudwatch", "list-metric-streams"],
        ["cloudwatch", "get-metric-statistics", "--namespace", "Custom/Test", "--metric-name",
         "Latency", "--dimensions", "Name=Service,Value=nothing", "--start-time", start,
         "--end-time", end, "--period", "60", "--statistics", "Average"],
        ["cloudwatch", "list-metrics", "--namespace", "Custom/Test", "--query",
         "Metrics[0].Dimensions", "--no-paginate"],
        ["sts", "get-caller-identity"],
        ["sts", "get-caller-identity", "--output", "text"],
    ]


def record(tool, endpoint, words, index):
    p = subprocess.run([tool, "request"] + words, capture_output=True, text=True, check=True)
    req = json.loads(p.stdout)
    if "body" not in req:
        print("skip (engine hands it over: %s): %s" % (req.get("reason"), words))
        return
    svc = {"logs": "logs", "cloudwatch": "monitoring", "sts": "sts"}[words[0]]
    with tempfile.TemporaryDirectory() as d:
        hdr, body = os.path.join(d, "h"), os.path.join(d, "b")
        cmd = ["curl", "-sS", "-o", body, "-D", hdr, "-w", "%{http_code}",
               "--aws-sigv4", "aws:amz:us-east-1:%s" % svc, "-u", "test:test",
               "-H", "Content-Type: %s" % req["content_type"],
               "--data-binary", req["body"], endpoint + "/"]
        if req["target"]:
            cmd[cmd.index("-H"):cmd.index("-H")] = ["-H", "X-Amz-Target: %s" % req["target"]]
        status = int(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        with open(body, "rb") as f:
            reply = f.read().decode("utf-8")
        query_error = None
        with open(hdr, encoding="latin-1") as f:
            for line in f:
                if line.lower().startswith("x-amzn-query-error:"):
                    query_error = line.split(":", 1)[1].strip()
    cli = aws(endpoint, *words, check=False)
    fx = {"command": words, "request": req, "status": status, "query_error": query_error,
          "body": reply, "cli": {"rc": cli.returncode, "stdout": cli.stdout.decode("utf-8"),
                                 "stderr": cli.stderr.decode("utf-8")}}
    name = "%03d-%s-%s.json" % (index, words[0], words[1])
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(fx, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%s: HTTP %d, CLI exit %d" % (name, status, cli.returncode))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build")
    tool = os.path.join(build, "helpers", "engine_tool")
    state = tempfile.mkdtemp()
    p = subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "start", state],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("moto did not start: " + p.stderr)
    try:
        env = {}
        with open(os.path.join(state, "seed.env")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.strip().split("=", 1)
                    env[k.replace("export ", "")] = v.strip("'\"")
        endpoint = env["MOTO_ENDPOINT"]
        seed(endpoint, int(env["SEED_NOW_S"]))
        os.makedirs(OUT, exist_ok=True)
        for old in os.listdir(OUT):
            os.unlink(os.path.join(OUT, old))
        for i, words in enumerate(commands(env)):
            record(tool, endpoint, words, i)
    finally:
        subprocess.run(["bash", os.path.join(SRC, "tests", "lib", "moto.sh"), "stop", state])


if __name__ == "__main__":
    main()
