"""moto_seed.py: seeds a moto server through the real AWS CLI v2, in one process.

Run by tests/lib/moto.sh with /usr/bin/python3 (the interpreter /usr/bin/aws runs on):
    python3 moto_seed.py ENDPOINT NOW_S
Each step is an `aws ...` command line, run by the CLI's own driver (awscli.clidriver, the code
/usr/bin/aws runs), so the requests moto sees are the CLI's. One process instead of one per
command: starting the CLI costs seconds on a loaded machine (9 s seen at load 20). The data is
the one documented in moto.sh. Exit status 0, or 1 with the failing command named on stderr.
"""

import datetime
import sys


def main():
    endpoint, now_s = sys.argv[1], int(sys.argv[2])
    now_ms = now_s * 1000
    t = datetime.datetime.fromtimestamp(now_s - 120, datetime.timezone.utc)
    t = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    g, s = "/aws/lambda/my-function", "2025/01/01/[$LATEST]0123456789abcdef"
    dims = '[{"Name":"FunctionName","Value":"my-function"}]'
    metric = '{"MetricName":"%s","Dimensions":%s,"Timestamp":"%s","Value":%s,"Unit":"%s"}'
    metrics = "[%s]" % ",".join(metric % (n, dims, t, v, u) for n, v, u in (
        ("Invocations", 42, "Count"), ("Errors", 3, "Count"),
        ("Duration", 123.5, "Milliseconds")))
    e0 = now_ms - 60000
    events = "[%s]" % ",".join('{"timestamp":%d,"message":"%s"}' % (e0 + 1000 * i, m) for i, m in
                               enumerate(("START RequestId: 8f5c-0001 Version: $LATEST",
                                          "INFO handling order 1234",
                                          "ERROR payment service timed out after 3000 ms",
                                          "END RequestId: 8f5c-0001",
                                          "REPORT RequestId: 8f5c-0001 Duration: 123.50 ms")))
    steps = [
        ["logs", "create-log-group", "--log-group-name", g],
        ["logs", "create-log-group", "--log-group-name", "/aws/lambda/other-function"],
        ["logs", "create-log-group", "--log-group-name", "/ecs/web-service"],
        ["cloudwatch", "put-metric-data", "--namespace", "AWS/Lambda", "--metric-data", metrics],
        ["cloudwatch", "put-metric-alarm", "--alarm-name", "my-function-errors",
         "--namespace", "AWS/Lambda", "--metric-name", "Errors",
         "--dimensions", "Name=FunctionName,Value=my-function", "--statistic", "Sum",
         "--period", "60", "--evaluation-periods", "1", "--threshold", "0",
         "--comparison-operator", "GreaterThanThreshold"],
        ["logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", s],
        ["logs", "put-log-events", "--log-group-name", g, "--log-stream-name", s,
         "--log-events", events],
    ]
    from awscli.clidriver import create_clidriver  # Debian's AWS CLI v2, not PyPI's awscli.
    driver = create_clidriver()
    for step in steps:
        argv = ["--endpoint-url", endpoint, "--no-cli-pager", "--output", "json"] + step
        rc = driver.main(argv)
        if rc != 0:
            sys.stderr.write("moto_seed.py: `aws %s` exited %s\n" % (" ".join(step[:2]), rc))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
