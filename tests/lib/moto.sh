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
# background (log in STATE_DIR/moto.log), waits up to MOTO_START_TIMEOUT s (default 120) until
# it answers, then seeds it through the AWS CLI v2 of /usr/bin/aws (tests/lib/moto_seed.py, run
# by /usr/bin/python3; override with MOTO_PYTHON=...) with these credentials:
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
# Bounded: seeding has a MOTO_SEED_TIMEOUT s cap (default 300); start gives up (and stops
# moto) if anything fails, saying which step.
# stop sends SIGTERM, waits up to 5 s, then SIGKILL. Only the PID in STATE_DIR/moto.pid is
# touched. Exit status: 0 on success, 1 on failure (with a message on stderr).

# The interpreter of /usr/bin/aws (Debian's AWS CLI v2 lives in its dist-packages).
MOTO_PYTHON=${MOTO_PYTHON:-/usr/bin/python3}
MOTO_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_moto_free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Seeds the data listed above: tests/lib/moto_seed.py runs the CLI commands in one process of
# the CLI's own interpreter. Bounded by MOTO_SEED_TIMEOUT seconds (default 300: a loaded CI
# machine under ASan has been seen taking 10 s for each CLI start).
_moto_seed() {
    local now_s rc
    now_s=$(date +%s)
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
        AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null \
        AWS_SHARED_CREDENTIALS_FILE=/dev/null \
        timeout "${MOTO_SEED_TIMEOUT:-300}" "$MOTO_PYTHON" "$MOTO_LIB_DIR/moto_seed.py" \
        "$MOTO_ENDPOINT" "$now_s" >/dev/null
    rc=$?
    if [ $rc = 124 ]; then
        echo "moto_start: seeding did not finish within ${MOTO_SEED_TIMEOUT:-300} s" >&2
    fi
    [ $rc = 0 ] || return 1
    SEED_NOW_S=$now_s
    SEED_NOW_MS=$((now_s * 1000))
    return 0
}

moto_stop() {
    local dir=$1 pid
    [ -n "$dir" ] && [ -f "$dir/moto.pid" ] || return 0
    pid=$(cat "$dir/moto.pid")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$dir/moto.pid"
    return 0
}

moto_start() {
    local dir=$1 seed=1 port rc
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
    # One poller process (a Python start costs seconds on a loaded machine): it exits 0 once moto
    # answers, 2 if moto died, 1 at the deadline.
    python3 - "$port" "$MOTO_PID" "${MOTO_START_TIMEOUT:-120}" <<'EOF' 2>/dev/null
import os, sys, time, urllib.request
port, pid, end = sys.argv[1], int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/moto-api/" % port, timeout=5).read(1)
        sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(2)
    time.sleep(0.1)
sys.exit(1)
EOF
    rc=$?
    if [ $rc = 2 ] || ! kill -0 "$MOTO_PID" 2>/dev/null; then
        echo "moto_start: moto_server exited; its log:" >&2
        tail -5 "$dir/moto.log" >&2
        rm -f "$dir/moto.pid"
        return 1
    fi
    if [ $rc != 0 ]; then
        echo "moto_start: moto_server did not answer within ${MOTO_START_TIMEOUT:-120} s" >&2
        moto_stop "$dir"
        return 1
    fi
    echo "$MOTO_ENDPOINT" >"$dir/endpoint"
    SEED_NOW_S=$(date +%s)
    SEED_NOW_MS=$((SEED_NOW_S * 1000))
    if [ $seed = 1 ] && ! _moto_seed; then
        echo "moto_start: seeding through the AWS CLI ($MOTO_PYTHON $MOTO_LIB_DIR/moto_seed.py) failed" >&2
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
