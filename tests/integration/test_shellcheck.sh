#!/usr/bin/env bash
# Every shell script in the repository is shellcheck-clean: files whose first line is a sh or
# bash shebang, and *.sh files (sourced libraries too), outside node_modules and build trees.
# One check per file, then "N passed, N failed".
set -uo pipefail
cd "${SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
passed=0
failed=0

if ! command -v shellcheck >/dev/null; then
  echo "FAIL shellcheck is not installed (scripts/install-deps installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi

# The check can fail: a script with an unquoted expansion is reported.
bad=$(mktemp)
# shellcheck disable=SC2016 # the $1 belongs to the bad script.
printf '#!/bin/sh\nrm -rf $1/tmp\n' >"$bad"
if shellcheck "$bad" >/dev/null 2>&1; then
  echo "FAIL shellcheck accepted an unquoted \$1"
  failed=$((failed + 1))
else
  echo "ok   shellcheck reports an unquoted \$1"
  passed=$((passed + 1))
fi
rm -f "$bad"

mapfile -t scripts < <(find . \( -name node_modules -o -name .git -o -name 'build*' \) -prune -o \
  -type f -print | sort | while read -r f; do
  case $f in
  *.sh) echo "$f" ;;
  *) head -c 64 "$f" 2>/dev/null | head -1 | grep -qE '^#!(/usr/bin/env |/bin/)(ba)?sh' && echo "$f" ;;
  esac
done)

for f in "${scripts[@]}"; do
  if out=$(shellcheck -x "$f" 2>&1); then
    echo "ok   ${f#./}"
    passed=$((passed + 1))
  else
    echo "FAIL ${f#./}"
    printf '%s\n' "$out" | head -30 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
[ ${#scripts[@]} -ge 10 ] || { echo "FAIL found only ${#scripts[@]} scripts"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
