#!/usr/bin/env bash
# Lambda: awscli-mcp as a custom runtime vs AWS's run-mcp-servers-with-aws-lambda, through the
# same Runtime API emulator and Function URL front door. See bench/lambda_bench.py.
# Usage: bench/lambda_bench.sh   (AWSCLI_MCP_BIN, BENCH_RUNS, BENCH_CLI_RUNS)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/lambda_bench.py" "$@"
