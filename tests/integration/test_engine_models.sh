#!/usr/bin/env bash
# The committed model tables (src/engine/models_gen*.c) and the model files' hashes
# (src/engine/models.sha256, for the image build) must be exactly what scripts/gen-engine-models
# makes from the installed AWS CLI: regenerate into a temporary directory and compare. A difference means the CLI was bumped or a table was edited by hand;
# docs/engine.md says how to regenerate.
set -uo pipefail
src=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
if ! /usr/bin/python3 "$src/scripts/gen-engine-models" --out "$tmp" 2>"$tmp/log"; then
  echo "FAIL the generator failed:"; cat "$tmp/log"
  echo "0 passed, 1 failed"
  exit 1
fi
for f in "$tmp"/models_gen*.c "$tmp"/models.sha256; do
  name=$(basename "$f")
  if diff -u "$src/src/engine/$name" "$f" >"$tmp/$name.diff"; then
    echo "ok   $name matches AWS CLI $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)"
    passed=$((passed + 1))
  else
    echo "FAIL $name differs from what scripts/gen-engine-models writes:"
    head -40 "$tmp/$name.diff"
    failed=$((failed + 1))
  fi
done
committed=$(find "$src/src/engine" -name 'models_gen*.c' -o -name models.sha256 | wc -l)
generated=$(find "$tmp" -name 'models_gen*.c' -o -name models.sha256 | wc -l)
if [ "$committed" -eq "$generated" ]; then
  passed=$((passed + 1))
else
  echo "FAIL $committed committed table files, the generator writes $generated"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
