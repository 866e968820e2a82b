#!/usr/bin/env bash
# The child-process runner's own cost (bench/runner_overhead.c, built into build/bench/ by
# `make`): runner_run() of /bin/true against posix_spawn + waitpid, interleaved.
# Usage: bench/runner_overhead.sh [RUNS]    (default $BENCH_RUNS or 200)
# Env:   BUILD_DIR (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
prog=${BUILD_DIR:-$src/build}/bench/runner_overhead
[ -x "$prog" ] || { echo "runner_overhead: $prog not built (run make)" >&2; exit 1; }
exec "$prog" "${1:-${BENCH_RUNS:-200}}"
