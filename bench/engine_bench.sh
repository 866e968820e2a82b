#!/usr/bin/env bash
# The native engine vs the AWS CLI vs curl --aws-sigv4, through the server and the Lambda
# harness, against the same moto. See bench/engine_bench.py.
# Usage: bench/engine_bench.sh   (AWSCLI_MCP_BIN, BENCH_RUNS, BENCH_CLI_RUNS)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/engine_bench.py" "$@"
