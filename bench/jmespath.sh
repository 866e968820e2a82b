#!/usr/bin/env bash
# JMESPath: parse + evaluate time of typical CloudWatch --query expressions over a generated
# reply of about 1 MB, src/jmespath/ (bench/jp_bench.c) against jmespath.py 1.0.1
# (Debian's python3-jmespath, what AWS CLI v2 runs), in the same run on the same documents.
#
# Usage: bench/jmespath.sh [RUNS]     (default $BENCH_RUNS or 30 runs per query and side)
# Env:   BUILD_DIR (default build)
# Prints a Markdown table of medians and minimums; each run compiles the expression afresh (jmespath.py's
# parse cache is purged) and evaluates it; loading the JSON document is not timed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
runs=${1:-${BENCH_RUNS:-30}}
bench=${BUILD_DIR:-$src/build}/bench/jp_bench
[ -x "$bench" ] || { echo "jmespath.sh: $bench not built (run make)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$runs" "$bench" "$tmp" <<'PY'
import json, random, statistics, subprocess, sys, time
import jmespath
from jmespath.parser import Parser

runs, bench, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
r = random.Random(1)


def fill(make, key):
    items, size = [], 0
    while size < 1_000_000:
        item = make(len(items))
        items.append(item)
        size += len(json.dumps(item)) + 2
    return {key: items, "nextToken": "x" * 40}


groups = fill(lambda i: {
    "logGroupName": "/aws/lambda/service-%05d" % i, "creationTime": 1700000000000 + i,
    "retentionInDays": r.choice([1, 7, 30, 365]), "metricFilterCount": r.randint(0, 3),
    "arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/service-%05d:*" % i,
    "storedBytes": r.choice([0, r.randint(1, 10**9)])}, "logGroups")
events = fill(lambda i: {
    "logStreamName": "2026/12/02/[$LATEST]%032x" % r.getrandbits(128),
    "timestamp": 1764633600000 + i * 37, "ingestionTime": 1764633600500 + i * 37,
    "message": "START RequestId: %08x Version: $LATEST duration=%.2f ms\n" % (
        r.getrandbits(32), r.random() * 900), "eventId": "%056d" % i}, "events")
metrics = fill(lambda i: {
    "Namespace": "AWS/Lambda", "MetricName": r.choice(["Invocations", "Errors", "Duration",
                                                       "Throttles", "ConcurrentExecutions"]),
    "Dimensions": [{"Name": "FunctionName", "Value": "service-%05d" % i}]}, "Metrics")
docs = {"describe-log-groups": groups, "filter-log-events": events, "list-metrics": metrics}
for name, doc in docs.items():
    with open("%s/%s.json" % (tmp, name), "w") as f:
        json.dump(doc, f)
queries = [
    ("describe-log-groups", "logGroups[?storedBytes > `0`].logGroupName"),
    ("describe-log-groups", "logGroups[*].{name: logGroupName, bytes: storedBytes} | [?bytes > `500000000`]"),
    ("describe-log-groups", "sum(logGroups[].storedBytes)"),
    ("filter-log-events", "events[].message"),
    ("filter-log-events", "length(events)"),
    ("filter-log-events", "events[?contains(message, 'duration=1')].[timestamp, message]"),
    ("list-metrics", "sort_by(Metrics, &MetricName)[].Dimensions"),
    ("list-metrics", "Metrics[?MetricName == 'Errors'].Dimensions[0].Value | sort(@)"),
]
print("Documents: %s (bytes of JSON)." % ", ".join(
    "%s %d" % (n, len(json.dumps(d))) for n, d in docs.items()))
print()
print("| reply | query | jmespath.py median (min) | src/jmespath median (min) | speed-up (medians) |")
print("|---|---|---|---|---|")
for name, q in queries:
    doc = docs[name]
    times = []
    for _ in range(runs):
        Parser.purge()
        t0 = time.perf_counter()
        result = jmespath.compile(q).search(doc)
        times.append((time.perf_counter() - t0) * 1e6)
    py, py_min = statistics.median(times), min(times)
    out = subprocess.run([bench, q, "%s/%s.json" % (tmp, name), str(runs)],
                         stdout=subprocess.PIPE, check=True).stdout.split()
    c, c_min, length = float(out[0]), float(out[1]), int(out[2])
    same = length == len(json.dumps(result, separators=(",", ":")))
    print("| %s | `` %s `` | %.0f µs (%.0f) | %.0f µs (%.0f) | %.1f× %s|" % (
        name, q.replace("|", "\\|"), py, py_min, c, c_min, py / c,
        "" if same else "(RESULTS DIFFER) "))
PY
