"""engine_diff_seed.py: seeds moto with the data of the engine's differential suite.

Run with /usr/bin/python3 (the interpreter /usr/bin/aws runs on), against a moto started
without its own seed (tests/lib/moto.sh start DIR --no-seed):
    python3 engine_diff_seed.py ENDPOINT NOW_S OUT.json
Like moto_seed.py, every step is an `aws ...` command line run by the CLI's own driver
(awscli.clidriver) in this one process, so the requests moto sees are the CLI's and seeding
takes seconds, not minutes. OUT.json receives the values the command list refers to
(tests/data/engine/diff_commands.txt: {BASE_S}, {QUERY_ID}, {EXPORT_TASK_ID}, ...).

The data exercises the formats: names and messages with Unicode (BMP and beyond), tabs,
quotes, backslashes, newlines, control characters and a 3000-character message; doubles such
as 0.1, 1e-07 and 123456789.125, large and negative numbers; enough log groups, streams and
events for several pages at small limits; subscription filters to a Kinesis stream and a log
group, destinations, resource policies, an export task to an S3 bucket, two Logs Insights
queries; alarms in the three states, dashboards, an insight rule. Times are fixed offsets
from BASE_S, the hour two days before NOW_S (moto refuses log events older than 14 days, so
the base cannot be a constant date); what moto stamps itself (creation and ingestion times, alarm update times) is
fixed once seeding is done, and the suite only reads. Exit status 0, or 1 with the failing
command named on stderr.
"""

import contextlib
import io
import json
import sys

GROUP = "/aws/lambda/my-function"
STREAM = "2025/01/01/[$LATEST]0123456789abcdef"
UNICODE_GROUP = "/diff/unicode-\u00e9t\u00e9-\u65e5\u672c\u8a9e"
LONG_GROUP = "/diff/long-" + "abcdefghij" * 49  # 501 characters (the limit is 512)
ODD_STREAM = "odd \u00e9\t\"quoted\""
ACCOUNT = "123456789012"
REGION = "us-east-1"

# Messages that exercise the JSON and text writers.
ODD_MESSAGES = [
    "caf\u00e9 \u65e5\u672c\u8a9e \U0001F600 \u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9",
    "tab\there \"quoted\" back\\slash 'single'",
    "line1\nline2\r\nline3",
    "control \x01\x02\x1f del \x7f nbsp\u00a0 ls\u2028 ps\u2029 bom\ufeff",
    "x" * 3000,
    "{\"level\": \"error\", \"latency\": 0.1, \"path\": \"/api/items?id=1&x=<y>\"}",
    "ERROR \u00e9chec: payment service timed out after 3000 ms",
    "   leading and trailing spaces   ",
    "ends with backslash \\",
    "</Message><![CDATA[ & ]]>",
]

# Doubles printed by Python's repr in many forms.
DOUBLES = [0.1, 1e-07, 123456789.125, -42.5, 0.0, 1e+21, 12345678901234567890.0,
           1.7976931348623157e+308, 5e-324, 2.5, 100.0, -0.001, 3.141592653589793,
           1234567.0, 1e16, 9999999999999998.0, 0.30000000000000004]


def steps(base_s):
    base_ms = base_s * 1000
    out = []

    def logs(*words):
        out.append(["logs"] + list(words))

    def cw(*words):
        out.append(["cloudwatch"] + list(words))

    # Log groups: the usual ones, Unicode and long names, 24 more for pages at --limit 5.
    logs("create-log-group", "--log-group-name", GROUP, "--tags",
         "team=payments,env=prod,owner=caf\u00e9 \u65e5\u672c")
    logs("create-log-group", "--log-group-name", "/aws/lambda/other-function")
    logs("create-log-group", "--log-group-name", "/ecs/web-service", "--tags",
         '{"quote": "say \\"hi\\"", "tab": "a\\tb", "empty": ""}')
    logs("create-log-group", "--log-group-name", UNICODE_GROUP)
    logs("create-log-group", "--log-group-name", LONG_GROUP)
    for i in range(24):
        logs("create-log-group", "--log-group-name", "/diff/page/g%02d" % i)
    logs("put-retention-policy", "--log-group-name", GROUP, "--retention-in-days", "14")
    logs("put-retention-policy", "--log-group-name", UNICODE_GROUP, "--retention-in-days",
         "3653")
    logs("put-retention-policy", "--log-group-name", "/diff/page/g03", "--retention-in-days",
         "1")

    # Streams and events.
    logs("create-log-stream", "--log-group-name", GROUP, "--log-stream-name", STREAM)
    lambda_events = ["START RequestId: 8f5c-0001 Version: $LATEST",
                     "INFO handling order 1234",
                     "ERROR payment service timed out after 3000 ms",
                     "END RequestId: 8f5c-0001",
                     "REPORT RequestId: 8f5c-0001 Duration: 123.50 ms"]
    logs("put-log-events", "--log-group-name", GROUP, "--log-stream-name", STREAM,
         "--log-events", json.dumps([{"timestamp": base_ms + 1000 * i, "message": m}
                                     for i, m in enumerate(lambda_events)]))
    logs("create-log-stream", "--log-group-name", GROUP, "--log-stream-name", ODD_STREAM)
    logs("put-log-events", "--log-group-name", GROUP, "--log-stream-name", ODD_STREAM,
         "--log-events", json.dumps([{"timestamp": base_ms + 10000 + i, "message": m}
                                     for i, m in enumerate(ODD_MESSAGES)]))
    # bulk: 60 events over an hour, for several pages at small limits.
    logs("create-log-stream", "--log-group-name", GROUP, "--log-stream-name", "bulk")
    logs("put-log-events", "--log-group-name", GROUP, "--log-stream-name", "bulk",
         "--log-events", json.dumps([
             {"timestamp": base_ms + 60000 * i,
              "message": "%s request %d path=/api/items/%d status=%d latency=%s" % (
                  ("ERROR" if i % 7 == 3 else "INFO"), i, i * 13,
                  (500 if i % 7 == 3 else 200), DOUBLES[i % len(DOUBLES)])}
             for i in range(60)]))
    # 12 more streams for describe-log-streams pages; some empty.
    for i in range(12):
        name = "stream-%02d" % i
        logs("create-log-stream", "--log-group-name", GROUP, "--log-stream-name", name)
        if i % 3 == 0:
            logs("put-log-events", "--log-group-name", GROUP, "--log-stream-name", name,
                 "--log-events", json.dumps([{"timestamp": base_ms + 3600000 + 1000 * i + k,
                                              "message": "stream %d event %d" % (i, k)}
                                             for k in range(3)]))
    logs("create-log-stream", "--log-group-name", UNICODE_GROUP, "--log-stream-name",
         "s\u00e9-1")
    logs("put-log-events", "--log-group-name", UNICODE_GROUP, "--log-stream-name", "s\u00e9-1",
         "--log-events", json.dumps([{"timestamp": base_ms + 20000 + i, "message": m}
                                     for i, m in enumerate(ODD_MESSAGES[:4])]))
    logs("create-log-stream", "--log-group-name", "/ecs/web-service", "--log-stream-name",
         "web/task/1")
    logs("put-log-events", "--log-group-name", "/ecs/web-service", "--log-stream-name",
         "web/task/1", "--log-events",
         json.dumps([{"timestamp": base_ms + 30000 + i * 500,
                      "message": "GET /health 200 %s ms" % d}
                     for i, d in enumerate(DOUBLES[:8])]))

    # Metric filters.
    logs("put-metric-filter", "--log-group-name", GROUP, "--filter-name", "errors",
         "--filter-pattern", "ERROR", "--metric-transformations",
         "metricName=ErrorCount,metricNamespace=Diff/Logs,metricValue=1,defaultValue=0")
    logs("put-metric-filter", "--log-group-name", GROUP, "--filter-name", "latency json",
         "--filter-pattern", '{ $.latency > 0.1 }', "--metric-transformations",
         '[{"metricName": "Latency", "metricNamespace": "Diff/Logs", "metricValue": '
         '"$.latency", "defaultValue": 1e-07}]')
    logs("put-metric-filter", "--log-group-name", "/ecs/web-service", "--filter-name",
         "health-\u00e9", "--filter-pattern", '"GET /health"', "--metric-transformations",
         "metricName=Health,metricNamespace=Diff/Logs,metricValue=123456789.125")
    for i in range(6):
        logs("put-metric-filter", "--log-group-name", "/diff/page/g%02d" % i, "--filter-name",
             "page-filter-%d" % i, "--filter-pattern", "[ip, user, status=5*]",
             "--metric-transformations",
             "metricName=Status5xx,metricNamespace=Diff/Logs,metricValue=%d" % (i + 1))

    # Subscription filters to a Kinesis stream and to a log group (what moto accepts).
    out.append(["kinesis", "create-stream", "--stream-name", "diff-stream", "--shard-count", "1"])
    logs("put-subscription-filter", "--log-group-name", GROUP, "--filter-name", "to-kinesis",
         "--filter-pattern", "ERROR", "--destination-arn",
         "arn:aws:kinesis:%s:%s:stream/diff-stream" % (REGION, ACCOUNT), "--role-arn",
         "arn:aws:iam::%s:role/CWLtoKinesis" % ACCOUNT)
    logs("put-subscription-filter", "--log-group-name", "/ecs/web-service", "--filter-name",
         "to-group \u00e9", "--filter-pattern", "", "--destination-arn",
         "arn:aws:logs:%s:%s:log-group:/aws/lambda/other-function:*" % (REGION, ACCOUNT))

    # Destinations and resource policies.
    for i, name in enumerate(["dest-a", "dest-b", "dest-c", "dest-\u00e9"]):
        logs("put-destination", "--destination-name", name, "--target-arn",
             "arn:aws:kinesis:%s:%s:stream/diff-stream" % (REGION, ACCOUNT), "--role-arn",
             "arn:aws:iam::%s:role/CWLtoKinesis%d" % (ACCOUNT, i))
    logs("put-destination-policy", "--destination-name", "dest-a", "--access-policy",
         json.dumps({"Version": "2012-10-17", "Statement": [{
             "Effect": "Allow", "Principal": {"AWS": "111111111111"},
             "Action": "logs:PutSubscriptionFilter",
             "Resource": "arn:aws:logs:%s:%s:destination:dest-a" % (REGION, ACCOUNT)}]}))
    logs("put-resource-policy", "--policy-name", "route53-\u00e9", "--policy-document",
         json.dumps({"Version": "2012-10-17", "Statement": [{
             "Sid": "Route53 \"quoted\"\ttab", "Effect": "Allow",
             "Principal": {"Service": ["route53.amazonaws.com"]},
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": "arn:aws:logs:%s:%s:log-group:*" % (REGION, ACCOUNT)}]}))
    logs("put-resource-policy", "--policy-name", "second", "--policy-document",
         '{"Version":"2012-10-17","Statement":[]}')

    # Tags through the newer API as well.
    logs("tag-resource", "--resource-arn",
         "arn:aws:logs:%s:%s:log-group:/aws/lambda/other-function" % (REGION, ACCOUNT),
         "--tags", "a=1,b=\u00e9,c=x y")

    # Metrics: several namespaces, odd dimension values, the doubles.
    def datum(name, value, ts, dims, unit=None):
        d = {"MetricName": name, "Value": value, "Timestamp": ts, "Dimensions": dims}
        if unit:
            d["Unit"] = unit
        return d

    fn = [{"Name": "FunctionName", "Value": "my-function"}]
    cw("put-metric-data", "--namespace", "AWS/Lambda", "--metric-data", json.dumps(
        [datum(n, v, base_s + 60 * k, fn, u) for k in range(5)
         for n, v, u in (("Invocations", 42 + k, "Count"), ("Errors", k % 2 * 3, "Count"),
                         ("Duration", 123.5 + k * 0.25, "Milliseconds"))]))
    cw("put-metric-data", "--namespace", "AWS/Lambda", "--metric-data", json.dumps(
        [datum("Invocations", 7, base_s, [{"Name": "FunctionName",
                                           "Value": "other-function"}], "Count")]))
    svc = [{"Name": "Service", "Value": "caf\u00e9"}]
    cw("put-metric-data", "--namespace", "Custom/Test", "--metric-data", json.dumps(
        [datum("Latency", v, base_s + 60 * i, svc, "Seconds")
         for i, v in enumerate([0.1, 1e-07, 123456789.125])]))
    odd_dims = [
        [{"Name": "Path", "Value": "/api/items?id=1&x=<y>"}],
        [{"Name": "Quote", "Value": "say \"hi\" 'there'"}],
        [{"Name": "Space Name", "Value": "with spaces, commas = equals"}],
        [{"Name": "Unicode", "Value": "\u65e5\u672c\u8a9e \U0001F600"}],
        [{"Name": "Host", "Value": "web-1"}, {"Name": "AZ", "Value": "us-east-1a"}],
    ]
    cw("put-metric-data", "--namespace", "Diff/Numbers", "--metric-data", json.dumps(
        [datum("Value", v, base_s + 60 * i, [{"Name": "Case", "Value": "c%02d" % i}], "None")
         for i, v in enumerate(DOUBLES)]))
    cw("put-metric-data", "--namespace", "Diff/Numbers", "--metric-data", json.dumps(
        [datum("Mixed", v, base_s + 60 * i, [{"Name": "Case", "Value": "all"}], "Percent")
         for i, v in enumerate([0.1, 1e-07, 123456789.125, -42.5, 1e+21])]))
    cw("put-metric-data", "--namespace", "Diff/Odd", "--metric-data", json.dumps(
        [datum("Odd", 1.5 + i, base_s + 60 * i, d, "Bytes") for i, d in enumerate(odd_dims)]))
    cw("put-metric-data", "--namespace", "Diff/Stats", "--metric-name", "Batch",
       "--timestamp", str(base_s), "--statistic-values",
       "SampleCount=4,Sum=10.5,Minimum=0.1,Maximum=5.2", "--unit", "Milliseconds")
    cw("put-metric-data", "--namespace", "Diff/Stats", "--metric-name", "Single",
       "--timestamp", str(base_s + 120), "--value", "0.1", "--dimensions",
       "InstanceId=i-123,Role=web")
    cw("put-metric-data", "--namespace", "Diff/\u00c9t\u00e9", "--metric-data", json.dumps(
        [datum("D\u00e9bit", 3.25, base_s, [], "Bytes/Second")]))
    # Enough metrics for more than one page of a list (moto pages list-metrics at 500, and
    # its tokens are random: this stays below that).
    cw("put-metric-data", "--namespace", "Diff/Many", "--metric-data", json.dumps(
        [datum("M%03d" % i, i, base_s, [{"Name": "Index", "Value": str(i)}], "Count")
         for i in range(40)]))

    # Alarms: metric alarms in several states, one on metric math (moto
    # 5.2.1 does not serve put-composite-alarm).
    def alarm(name, *extra, metric="Errors", ns="AWS/Lambda"):
        cw("put-metric-alarm", "--alarm-name", name, "--namespace", ns, "--metric-name", metric,
           "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1",
           "--comparison-operator", "GreaterThanThreshold", *extra)

    alarm("my-function-errors", "--threshold", "0", "--dimensions",
          "Name=FunctionName,Value=my-function")
    alarm("latency \u00e9 high", "--threshold", "0.1", "--alarm-description",
          "tab\tand \"quotes\" and back\\slash\nnewline", metric="Latency", ns="Custom/Test")
    alarm("tiny-threshold", "--threshold", "1e-07", "--unit", "Seconds", "--datapoints-to-alarm",
          "1", "--treat-missing-data", "notBreaching", metric="Latency", ns="Custom/Test")
    alarm("big-threshold", "--threshold", "123456789.125", "--no-actions-enabled",
          "--alarm-actions", "arn:aws:sns:%s:%s:alerts" % (REGION, ACCOUNT),
          "arn:aws:sns:%s:%s:pager" % (REGION, ACCOUNT), "--ok-actions",
          "arn:aws:sns:%s:%s:alerts" % (REGION, ACCOUNT), metric="Value", ns="Diff/Numbers")
    alarm("negative-threshold", "--threshold", "-42.5", "--evaluation-periods", "3",
          metric="Value", ns="Diff/Numbers")
    cw("put-metric-alarm", "--alarm-name", "p99-latency", "--namespace", "AWS/Lambda",
       "--metric-name", "Duration", "--extended-statistic", "p99", "--period", "300",
       "--evaluation-periods", "2", "--threshold", "1000", "--comparison-operator",
       "GreaterThanOrEqualToThreshold", "--dimensions", "Name=FunctionName,Value=my-function",
       "--tags", "Key=team,Value=payments", "Key=\u00e9,Value=\u65e5\u672c")
    cw("put-metric-alarm", "--alarm-name", "error-rate-math", "--evaluation-periods", "1",
       "--threshold", "0.05", "--comparison-operator", "GreaterThanThreshold", "--metrics",
       json.dumps([
           {"Id": "e1", "Expression": "m2 / m1", "Label": "error rate \u00e9",
            "ReturnData": True},
           {"Id": "m1", "ReturnData": False, "MetricStat": {
               "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                          "Dimensions": fn}, "Period": 60, "Stat": "Sum"}},
           {"Id": "m2", "ReturnData": False, "MetricStat": {
               "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                          "Dimensions": fn}, "Period": 60, "Stat": "Sum"}}]))
    for i in range(8):
        alarm("page-alarm-%02d" % i, "--threshold", str(i * 1.5), metric="M%03d" % i,
              ns="Diff/Many")
    cw("set-alarm-state", "--alarm-name", "my-function-errors", "--state-value", "ALARM",
       "--state-reason", "Threshold Crossed: 1 datapoint [3.0] was greater than 0.0",
       "--state-reason-data", '{"version":"1.0","queryDate":"2025-01-01T00:00:00.000+0000"}')
    cw("set-alarm-state", "--alarm-name", "latency \u00e9 high", "--state-value",
       "INSUFFICIENT_DATA", "--state-reason", "no data \u00e9\t\"quoted\"")
    cw("set-alarm-state", "--alarm-name", "page-alarm-03", "--state-value", "ALARM",
       "--state-reason", "test")
    cw("tag-resource", "--resource-arn",
       "arn:aws:cloudwatch:%s:%s:alarm:my-function-errors" % (REGION, ACCOUNT), "--tags",
       "Key=team,Value=payments", r'Key=quote,Value="say \"hi\" now"')

    # Dashboards and an insight rule.
    cw("put-dashboard", "--dashboard-name", "main", "--dashboard-body", json.dumps({
        "widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
            "metrics": [["AWS/Lambda", "Errors", "FunctionName", "my-function"]],
            "period": 300, "stat": "Sum", "region": REGION,
            "title": "Errors \u00e9 \"quoted\""}}]}))
    cw("put-dashboard", "--dashboard-name", "second-board", "--dashboard-body",
       '{"widgets":[{"type":"text","x":0,"y":0,"width":6,"height":3,'
       '"properties":{"markdown":"# Hello\\n\\ttab \\\\ backslash"}}]}')
    for i in range(5):
        cw("put-dashboard", "--dashboard-name", "board-%02d" % i, "--dashboard-body",
           '{"widgets":[]}')
    cw("put-insight-rule", "--rule-name", "top-callers", "--rule-state", "ENABLED",
       "--rule-definition", json.dumps({
           "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
           "LogGroupNames": [GROUP], "LogFormat": "JSON",
           "Contribution": {"Keys": ["$.ip"], "Filters": []}, "AggregateOn": "Count"}))
    return out


def run(driver, endpoint, step):
    argv = ["--endpoint-url", endpoint, "--no-cli-pager", "--output", "json"] + step
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = driver.main(argv)
    if rc != 0:
        raise RuntimeError("`aws %s` exited %s" % (" ".join(step[:2]), rc))
    return json.loads(buf.getvalue()) if buf.getvalue().strip() else {}


def main():
    endpoint, now_s, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base_s = now_s // 3600 * 3600 - 2 * 86400
    from awscli.clidriver import create_clidriver  # Debian's AWS CLI v2, not PyPI's awscli.
    driver = create_clidriver()
    try:
        for step in steps(base_s):
            run(driver, endpoint, step)
        # Two Logs Insights queries: their ids are random, the suite reads them back.
        q1 = run(driver, endpoint, [
            "logs", "start-query", "--log-group-name", GROUP, "--start-time", str(base_s),
            "--end-time", str(base_s + 7200), "--query-string",
            "fields @timestamp, @message | filter @message like /ERROR/ | limit 20"])
        q2 = run(driver, endpoint, [
            "logs", "start-query", "--log-group-names", UNICODE_GROUP, "/ecs/web-service",
            "--start-time", str(base_s), "--end-time", str(base_s + 7200), "--query-string",
            "stats count(*) by bin(1h)", "--limit", "5"])
        # An export task (to a moto S3 bucket): its id is random too.
        run(driver, endpoint, ["s3api", "create-bucket", "--bucket", "diff-export"])
        task = run(driver, endpoint, [
            "logs", "create-export-task", "--task-name", "export \u00e9", "--log-group-name",
            GROUP, "--from", str(base_s * 1000), "--to", str((base_s + 3600) * 1000),
            "--destination", "diff-export", "--destination-prefix", "logs/\u00e9"])
    except RuntimeError as e:
        sys.stderr.write("engine_diff_seed.py: %s\n" % e)
        return 1
    values = {"BASE_S": base_s, "QUERY_ID": q1["queryId"], "QUERY_ID_2": q2["queryId"],
              "EXPORT_TASK_ID": task["taskId"],
              "GROUP": GROUP, "STREAM": STREAM, "UNICODE_GROUP": UNICODE_GROUP,
              "LONG_GROUP": LONG_GROUP, "ODD_STREAM": ODD_STREAM}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(values, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
