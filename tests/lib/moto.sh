#!/usr/bin/env bash
# moto.sh: a real CloudWatch Logs / CloudWatch / STS endpoint for tests (moto_server on
# 127.0.0.1), seeded through the real AWS CLI v2.
#
# Usage (as a program):
#   tests/lib/moto.sh start STATE_DIR [--no-seed]   prints the endpoint URL on stdout
#   tests/lib/moto.sh stop STATE_DIR                stops that moto (by its PID)
# Usage (sourced, from bash):
#   source tests/lib/moto.sh
#   moto_start STATE_DIR [--no-seed]   sets MOTO_ENDPOINT and MOTO_PID, returns non-zero on failure
#   moto_stop STATE_DIR
#
# start: picks a free port on 127.0.0.1, runs `moto_server -H 127.0.0.1 -p PORT` in the
# background (log in STATE_DIR/moto.log), waits up to 30 s until it answers, then seeds it
# with /usr/bin/aws (AWS CLI v2; override with AWS_CLI=...) and these credentials:
# AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1.
# It writes STATE_DIR/moto.pid, STATE_DIR/endpoint and STATE_DIR/seed.env (shell syntax,
# `source` it) describing the seed:
#   MOTO_ENDPOINT      http://127.0.0.1:PORT
#   SEED_NOW_S         the time of seeding, epoch seconds
#   SEED_NOW_MS        the same in epoch milliseconds
#   SEED_FUNCTION      my-function
#   SEED_LOG_GROUP     /aws/lambda/my-function
#   SEED_LOG_GROUPS    "/aws/lambda/my-function /aws/lambda/other-function /ecs/web-service"
#   SEED_LOG_STREAM    2025/01/01/[$LATEST]0123456789abcdef (in SEED_LOG_GROUP)
#   SEED_ERROR_MESSAGE the message of the seeded ERROR event
#   SEED_ALARM         my-function-errors
# Seeded data:
#   logs: the three groups; in /aws/lambda/my-function one stream with five events (START,
#         INFO, ERROR, END, REPORT) at SEED_NOW_MS-60000 .. SEED_NOW_MS-56000.
#   cloudwatch: namespace AWS/Lambda, dimension FunctionName=my-function, metrics
#         Invocations (42), Errors (3), Duration (123.5 ms) at SEED_NOW_S-120;
#         the alarm my-function-errors (Errors Sum > 0 over 60 s).
#
# Bounded: every CLI call has a 30 s cap; start gives up (and stops moto) if anything fails.
# stop sends SIGTERM, waits up to 5 s, then SIGKILL. Only the PID in STATE_DIR/moto.pid is
# touched. Exit status: 0 on success, 1 on failure (with a message on stderr).

MOTO_AWS_CLI=${AWS_CLI:-/usr/bin/aws}

_moto_free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

_moto_aws() {
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
        AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true \
        timeout 30 "$MOTO_AWS_CLI" --endpoint-url "$MOTO_ENDPOINT" --no-cli-pager --output json "$@" \
        >/dev/null
}

# Seeds the data listed above, in three stages of parallel CLI calls.
_moto_seed() {
    # shellcheck disable=SC2016 # $LATEST is literal, as in real Lambda stream names.
    local now_s now_ms t g=/aws/lambda/my-function s='2025/01/01/[$LATEST]0123456789abcdef'
    local dims='[{"Name":"FunctionName","Value":"my-function"}]' pids=() p rc=0
    now_s=$(date +%s)
    now_ms=$((now_s * 1000))
    t=$(date -u -d "@$((now_s - 120))" +%Y-%m-%dT%H:%M:%SZ)

    # Stage 1: groups, metrics and the alarm (independent of each other).
    _moto_aws logs create-log-group --log-group-name "$g" & pids+=($!)
    _moto_aws logs create-log-group --log-group-name /aws/lambda/other-function & pids+=($!)
    _moto_aws logs create-log-group --log-group-name /ecs/web-service & pids+=($!)
    _moto_aws cloudwatch put-metric-data --namespace AWS/Lambda --metric-data \
        "[{\"MetricName\":\"Invocations\",\"Dimensions\":$dims,\"Timestamp\":\"$t\",\"Value\":42,\"Unit\":\"Count\"},
          {\"MetricName\":\"Errors\",\"Dimensions\":$dims,\"Timestamp\":\"$t\",\"Value\":3,\"Unit\":\"Count\"},
          {\"MetricName\":\"Duration\",\"Dimensions\":$dims,\"Timestamp\":\"$t\",\"Value\":123.5,\"Unit\":\"Milliseconds\"}]" &
    pids+=($!)
    _moto_aws cloudwatch put-metric-alarm --alarm-name my-function-errors --namespace AWS/Lambda \
        --metric-name Errors --dimensions Name=FunctionName,Value=my-function --statistic Sum \
        --period 60 --evaluation-periods 1 --threshold 0 \
        --comparison-operator GreaterThanThreshold & pids+=($!)
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ $rc = 0 ] || return 1

    # Stage 2 and 3: the stream, then its events.
    _moto_aws logs create-log-stream --log-group-name "$g" --log-stream-name "$s" || return 1
    local e0=$((now_ms - 60000))
    _moto_aws logs put-log-events --log-group-name "$g" --log-stream-name "$s" --log-events \
        "[{\"timestamp\":$e0,\"message\":\"START RequestId: 8f5c-0001 Version: \$LATEST\"},
          {\"timestamp\":$((e0 + 1000)),\"message\":\"INFO handling order 1234\"},
          {\"timestamp\":$((e0 + 2000)),\"message\":\"ERROR payment service timed out after 3000 ms\"},
          {\"timestamp\":$((e0 + 3000)),\"message\":\"END RequestId: 8f5c-0001\"},
          {\"timestamp\":$((e0 + 4000)),\"message\":\"REPORT RequestId: 8f5c-0001 Duration: 123.50 ms\"}]" ||
        return 1

    SEED_NOW_S=$now_s
    SEED_NOW_MS=$now_ms
    return 0
}

moto_stop() {
    local dir=$1 pid i
    [ -n "$dir" ] && [ -f "$dir/moto.pid" ] || return 0
    pid=$(cat "$dir/moto.pid")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for i in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$dir/moto.pid"
    return 0
}

moto_start() {
    local dir=$1 seed=1 port i
    [ "$2" = "--no-seed" ] && seed=0
    if [ -z "$dir" ]; then
        echo "moto_start: STATE_DIR missing" >&2
        return 1
    fi
    mkdir -p "$dir" || return 1
    if ! command -v moto_server >/dev/null; then
        echo "moto_start: moto_server not found (pip install 'moto[server]')" >&2
        return 1
    fi
    port=$(_moto_free_port) || return 1
    # exec: the PID we record is moto's own, so stop signals the server, not a wrapper.
    (exec moto_server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1) &
    MOTO_PID=$!
    echo "$MOTO_PID" >"$dir/moto.pid"
    MOTO_ENDPOINT="http://127.0.0.1:$port"
    for i in $(seq 300); do
        if python3 - "$port" <<'EOF' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/moto-api/" % sys.argv[1], timeout=1).read(1)
EOF
            break
        fi
        if ! kill -0 "$MOTO_PID" 2>/dev/null; then
            echo "moto_start: moto_server exited; its log:" >&2
            tail -5 "$dir/moto.log" >&2
            rm -f "$dir/moto.pid"
            return 1
        fi
        sleep 0.1
    done
    if [ "$i" = 300 ]; then
        echo "moto_start: moto_server did not answer within 30 s" >&2
        moto_stop "$dir"
        return 1
    fi
    echo "$MOTO_ENDPOINT" >"$dir/endpoint"
    SEED_NOW_S=$(date +%s)
    SEED_NOW_MS=$((SEED_NOW_S * 1000))
    if [ $seed = 1 ] && ! _moto_seed; then
        echo "moto_start: seeding through $MOTO_AWS_CLI failed" >&2
        moto_stop "$dir"
        return 1
    fi
    cat >"$dir/seed.env" <<EOF
MOTO_ENDPOINT='$MOTO_ENDPOINT'
MOTO_PID=$MOTO_PID
SEED_NOW_S=$SEED_NOW_S
SEED_NOW_MS=$SEED_NOW_MS
SEED_FUNCTION='my-function'
SEED_LOG_GROUP='/aws/lambda/my-function'
SEED_LOG_GROUPS='/aws/lambda/my-function /aws/lambda/other-function /ecs/web-service'
SEED_LOG_STREAM='2025/01/01/[\$LATEST]0123456789abcdef'
SEED_ERROR_MESSAGE='ERROR payment service timed out after 3000 ms'
SEED_ALARM='my-function-errors'
EOF
    return 0
}

# Run as a program (not sourced).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "$1" in
    start)
        moto_start "$2" "$3" || exit 1
        echo "$MOTO_ENDPOINT"
        ;;
    stop)
        moto_stop "$2"
        ;;
    *)
        echo "usage: $0 start STATE_DIR [--no-seed] | stop STATE_DIR" >&2
        exit 2
        ;;
    esac
fi
