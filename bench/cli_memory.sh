#!/usr/bin/env bash
# cli_memory.sh: the AWS CLI 2.9.19's peak memory on the seed commands and on a heavy
# filter-log-events (20,000 events, about 7 MB of JSON) against moto, to choose the default of
# --max-cli-memory-mb (docs/security.md, "Resource limits"). Prints, per command, the peak
# address space (VmPeak), resident size (VmHWM) and data segment (VmData) in KiB, read from
# /proc every 20 ms while it runs.
# Usage: bench/cli_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
AWS=/usr/bin/aws
state=$(mktemp -d)
trap 'tests/lib/moto.sh stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
endpoint=$(tests/lib/moto.sh start "$state")
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
a=("$AWS" --endpoint-url "$endpoint" --no-cli-pager --output json)

"${a[@]}" logs create-log-group --log-group-name /heavy >/dev/null
"${a[@]}" logs create-log-stream --log-group-name /heavy --log-stream-name s >/dev/null
base=$((($(date +%s) - 3600) * 1000))
for k in 0 1 2 3 4; do
    python3 -c '
import json, sys
b, k = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps([{"timestamp": b + k * 4000 + i,
                   "message": "INFO request %d path=/api/items/%d status=200 %s"
                   % (k * 4000 + i, i, "x" * 80)} for i in range(4000)]))' "$base" "$k" \
        >"$state/ev.json"
    "${a[@]}" logs put-log-events --log-group-name /heavy --log-stream-name s \
        --log-events "file://$state/ev.json" >/dev/null
done

peak() {
    local pid pk=0 hwm=0 dat=0 s v h d
    "$@" >/dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if s=$(cat "/proc/$pid/status" 2>/dev/null); then
            v=$(awk '/^VmPeak/{print $2}' <<<"$s")
            h=$(awk '/^VmHWM/{print $2}' <<<"$s")
            d=$(awk '/^VmData/{print $2}' <<<"$s")
            [ -n "$v" ] && [ "$v" -gt "$pk" ] && pk=$v
            [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
            [ -n "$d" ] && [ "$d" -gt "$dat" ] && dat=$d
        fi
        sleep 0.02
    done
    wait "$pid" || true
    printf '%8s %8s %8s  %s\n' "$pk" "$hwm" "$dat" "${*:7}"
}

printf '%8s %8s %8s  %s\n' VmPeak VmHWM VmData command
peak "${a[@]}" logs describe-log-groups
peak "${a[@]}" logs filter-log-events --log-group-name /aws/lambda/my-function
peak "${a[@]}" cloudwatch list-metrics
peak "${a[@]}" cloudwatch describe-alarms
peak "${a[@]}" sts get-caller-identity
peak "${a[@]}" logs filter-log-events --log-group-name /heavy
peak "${a[@]}" logs filter-log-events --log-group-name /heavy --output table
