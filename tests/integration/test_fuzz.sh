#!/usr/bin/env bash
# ctest-timeout: 300
# ctest-cases: argv aws_http_parse aws_ini engine_args http jmespath lambda_event mcp shorthand
# Builds every libFuzzer target in tests/fuzz/ with clang (ASan + UBSan + libFuzzer) and runs
# each for FUZZ_SECONDS (default 15) from its seed corpus, so that a parser change that crashes,
# leaks or breaks a target's contract fails the suite. Longer runs: tests/fuzz/README.md.
# Runs in the normal suite only (the targets carry their own sanitizers).
# Usage: test_fuzz.sh [TARGET...]   TARGET: argv, aws_http_parse, http, jmespath, ... (default: all)
set -uo pipefail
src=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${BUILD_DIR:-$src/build}/fuzz
seconds=${FUZZ_SECONDS:-15}
if [ "${SANITIZE:-0}" = "1" ]; then
  echo "skipped under the sanitizer build: the fuzz targets are sanitized builds already"
  echo "0 passed, 0 failed"
  exit 0
fi
if ! command -v clang >/dev/null; then
  echo "clang is missing (scripts/install-deps installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p "$out"
# Every source but main(): each target links what it needs from the core.
mapfile -t core < <(find "$src/src" -name '*.c' ! -name main.c | sort)
# shellcheck disable=SC2054 # the commas belong to -fsanitize= lists, not to the array.
flags=(-std=c11 -D_GNU_SOURCE -DAWSCLI_MCP_VERSION='"fuzz"' -g -O1
       '-fsanitize=fuzzer,address,undefined' -fno-sanitize-recover=undefined -I"$src/src")
passed=0
failed=0
targets=()
if [ $# -eq 0 ]; then
  targets=("$src"/tests/fuzz/fuzz_*.c)
else
  for t in "$@"; do targets+=("$src/tests/fuzz/fuzz_$t.c"); done
fi
for target in "${targets[@]}"; do
  name=$(basename "$target" .c)
  if [ ! -f "$target" ]; then
    echo "FAIL $name: no such fuzz target ($target)"
    failed=$((failed + 1))
    continue
  fi
  if ! clang "${flags[@]}" "$target" "${core[@]}" -ljansson -lexpat -lpthread -ldl -lm -o "$out/$name" \
      2>"$out/$name.build.log"; then
    echo "FAIL $name: does not build"; tail -20 "$out/$name.build.log"
    failed=$((failed + 1))
    continue
  fi
  corpus="$out/$name.corpus"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$src/tests/fuzz/corpus/${name#fuzz_}" ] && seeds+=("$src/tests/fuzz/corpus/${name#fuzz_}")
  [ "$name" = fuzz_argv ] && seeds+=("$src/tests/fuzz/corpus")
  if (cd "$out" && ./"$name" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=20000 \
      -rss_limit_mb=2048 -print_final_stats=1 >"$name.log" 2>&1); then
    echo "ok   $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$') runs in ${seconds}s"
    passed=$((passed + 1))
  else
    echo "FAIL $name: see $out/$name.log"; grep -A30 'ERROR\|==ERROR\|deadly signal' "$out/$name.log" | head -40
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
