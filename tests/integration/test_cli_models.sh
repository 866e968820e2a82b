#!/usr/bin/env bash
# engine_cli_models_check (src/engine/cli_models.h, through tests/helpers/cli_models_check) and
# the image build's docker/check-cli-models against real and fake AWS CLI layouts: Debian's
# /usr/bin/aws (the CLI the tables come from: match), AWS's installer layout (PyInstaller 5
# and 6) with Debian's model files copied in (match), the same with one byte changed, a file
# missing, a file only compressed, a newer API version directory (differ), a venv reached
# directly and through /usr/bin/env (match), a venv with a second, changed copy (differ), and
# programs with no models at all. Both implementations must give the same verdict and name
# the same difference. Then docker/image-engine-check, the Dockerfile's step: on, off under
# AWSCLI_MODELS_CHECK=warn, a stopped build under require, AWSCLI_SOURCE=none with and
# without an aws, a v1, a bad argument. Prints the check's mean cost (not asserted). Ends with
# "N passed, N failed".
# ctest-timeout: 120
set -uo pipefail
src=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=${HELPERS_DIR:-$src/build/helpers}/cli_models_check
script=$src/docker/check-cli-models
sums=$src/src/engine/models.sha256
debian=/usr/lib/python3/dist-packages/awscli/botocore/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() {
  echo "ok   $1"
  passed=$((passed + 1))
}
bad() {
  echo "FAIL $1"
  failed=$((failed + 1))
}
for need in "$helper" /usr/bin/aws "$debian"; do
  [ -e "$need" ] || {
    echo "FAIL $need is missing (build the helpers; apt-get install awscli)"
    echo "0 passed, 1 failed"
    exit 1
  }
done

# case NAME AWS match|differ [TEXT] [PATH]: both implementations agree, and name TEXT.
case_() {
  local name=$1 aws=$2 want=$3 text=${4:-} path=${5:-$PATH} c s crc src_rc
  c=$(PATH=$path "$helper" "$aws" 2>&1)
  crc=$?
  s=$(PATH=$path "$script" "$sums" "$aws" 2>&1)
  src_rc=$?
  if [ "$want" = match ]; then
    if [ "$crc" -eq 0 ] && [ "$c" = match ] && [ "$src_rc" -eq 0 ] && [[ $s == "native engine ON: "* ]]; then
      ok "$name: match"
    else
      bad "$name: want a match; C: ($crc) $c; script: ($src_rc) $s"
    fi
  else
    if [ "$crc" -eq 1 ] && [[ $c == *"$text"* ]] && [ "$src_rc" -eq 1 ] &&
      [[ $s == "native engine OFF: "*"$text"* ]]; then
      ok "$name: differ ($text)"
    else
      bad "$name: want a difference naming '$text'; C: ($crc) $c; script: ($src_rc) $s"
    fi
  fi
}

# The three services' model directories of Debian's CLI, copied under $1.
copy_models() {
  mkdir -p "$1"
  for svc in logs cloudwatch sts; do
    cp -r "$debian/$svc" "$1/"
  done
}

# AWS's installer layout: ROOT/v2/VERSION/dist/aws (a program), bin/aws -> ../dist/aws,
# v2/current -> VERSION, and ROOT/bin/aws -> v2/current/bin/aws, as aws/install makes it.
installer() { # root version [internal]
  local root=$1 ver=$2 dist=$1/v2/$2/dist
  mkdir -p "$dist" "$root/v2/$ver/bin" "$root/bin"
  cp /bin/true "$dist/aws"
  if [ "${3:-}" = internal ]; then
    copy_models "$dist/_internal/awscli/botocore/data"
  else
    copy_models "$dist/awscli/botocore/data"
  fi
  ln -s ../dist/aws "$root/v2/$ver/bin/aws"
  ln -sfn "$root/v2/$ver" "$root/v2/current"
  ln -s "$root/v2/current/bin/aws" "$root/bin/aws"
}

# ---- Debian's CLI, the tables' own ----
case_ debian /usr/bin/aws match
case_ debian_on_path aws match "" /usr/bin:/bin
case_ name_not_on_path aws-not-installed differ "is not on PATH" /usr/bin:/bin

# ---- AWS's installer ----
installer "$tmp/inst" 2.9.19
case_ installer "$tmp/inst/bin/aws" match
installer "$tmp/inst6" 2.9.19 internal
case_ installer_pyinstaller6 "$tmp/inst6/bin/aws" match

installer "$tmp/changed" 2.36.32
f=$tmp/changed/v2/2.36.32/dist/awscli/botocore/data/logs/2014-03-28/service-2.json
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
case_ one_byte_changed "$tmp/changed/bin/aws" differ \
  "(2.36.32) has other models than the native engine's tables (AWS CLI 2.9.19): logs/2014-03-28/service-2.json differs;"

installer "$tmp/missing" 2.9.19
rm "$tmp/missing/v2/2.9.19/dist/awscli/botocore/data/sts/2011-06-15/paginators-1.json"
case_ file_missing "$tmp/missing/bin/aws" differ "sts/2011-06-15/paginators-1.json is missing"

installer "$tmp/gz" 2.9.19
gzip "$tmp/gz/v2/2.9.19/dist/awscli/botocore/data/cloudwatch/2010-08-01/service-2.json"
case_ compressed "$tmp/gz/bin/aws" differ "cloudwatch/2010-08-01/service-2.json is only there compressed"

installer "$tmp/newer" 2.9.19
d=$tmp/newer/v2/2.9.19/dist/awscli/botocore/data/logs
mkdir "$d/2030-01-01" "$d/2000-01-01"
cp "$d/2014-03-28/service-2.json" "$d/2030-01-01/"
cp "$d/2014-03-28/service-2.json" "$d/2000-01-01/"
case_ newer_api_version "$tmp/newer/bin/aws" differ "logs/2030-01-01/ is a newer API version"
rm -r "$d/2030-01-01"
case_ older_api_version_ignored "$tmp/newer/bin/aws" match

# ---- A venv (pip install awscli from source) ----
venv=$tmp/venv
mkdir -p "$venv/bin"
ln -s /usr/bin/python3 "$venv/bin/python3"
copy_models "$venv/lib/python3.11/site-packages/awscli/botocore/data"
printf '"""awscli"""\n__version__ = '"'"'2.9.19'"'"'\n' >"$venv/lib/python3.11/site-packages/awscli/__init__.py"
printf '#!%s\nimport awscli.clidriver\n' "$venv/bin/python3" >"$venv/bin/aws"
printf '#!/usr/bin/env python3\nimport awscli.clidriver\n' >"$venv/bin/aws-env"
chmod +x "$venv/bin/aws" "$venv/bin/aws-env"
case_ venv "$venv/bin/aws" match
case_ venv_env_shebang "$venv/bin/aws-env" match "" "$venv/bin:/usr/bin:/bin"
copy_models "$venv/local/lib/python3.11/dist-packages/awscli/botocore/data"
printf '\n' >>"$venv/local/lib/python3.11/dist-packages/awscli/botocore/data/sts/2011-06-15/service-2.json"
case_ venv_second_copy_differs "$venv/bin/aws" differ "sts/2011-06-15/service-2.json differs;"

# ---- No models ----
case_ a_program_without_models /bin/true differ "no botocore models found for the AWS CLI at /bin/true"
printf '#!/bin/sh\nexec /usr/bin/aws "$@"\n' >"$tmp/wrapper"
chmod +x "$tmp/wrapper"
case_ shell_wrapper_not_guessed "$tmp/wrapper" differ "no botocore models found"

# ---- The image build's verdict (docker/image-engine-check, as the Dockerfile runs it) ----
share=$tmp/share
mkdir -p "$share" "$tmp/tools"
cp "$src/docker/image-engine-check" "$script" "$sums" "$share/"
for t in dirname cat; do ln -s "$(command -v "$t")" "$tmp/tools/$t"; done
# A CLI whose "python3" only answers --version, so that no real CLI starts.
fake=$tmp/fakecli
mkdir -p "$fake/bin"
printf '#!/bin/sh\necho "aws-cli/2.9.19 Python/3.11.2 Linux/6 source/x86_64.debian.12 prompt/off"\n' \
  >"$fake/bin/python3"
printf '#!%s\nimport awscli.clidriver\n' "$fake/bin/python3" >"$fake/bin/aws"
chmod +x "$fake/bin/python3" "$fake/bin/aws"
copy_models "$fake/lib/python3.11/site-packages/awscli/botocore/data"
printf '__version__ = "2.9.19"\n' >"$fake/lib/python3.11/site-packages/awscli/__init__.py"
verdict() { # name want-exit want-text path source mode
  local out rc
  rm -f "$tmp/out/cli-models-check.txt"
  mkdir -p "$tmp/out"
  out=$(PATH=$4 "$share/image-engine-check" "$5" "$6" "$tmp/out" 2>&1)
  rc=$?
  if [ "$rc" -eq "$2" ] && [[ $out == *"$3"* ]]; then
    ok "image verdict, $1"
  else
    bad "image verdict, $1: want exit $2 and '$3'; got ($rc) $out"
  fi
}
verdict "matching CLI: on" 0 "==== awscli-mcp image (AWSCLI_SOURCE=debian): native engine ON: the AWS CLI at aws (2.9.19)" \
  "$fake/bin:/usr/bin:/bin" debian warn
if grep -q "^native engine ON" "$tmp/out/cli-models-check.txt"; then
  ok "image verdict: the file the image keeps says the same"
else
  bad "image verdict file: $(cat "$tmp/out/cli-models-check.txt" 2>&1)"
fi
printf 'x' >>"$fake/lib/python3.11/site-packages/awscli/botocore/data/logs/2014-03-28/paginators-1.json"
verdict "other models, warn: the build goes on, engine off" 0 \
  "native engine OFF: the AWS CLI at aws (2.9.19) has other models than the native engine's tables (AWS CLI 2.9.19): logs/2014-03-28/paginators-1.json differs" \
  "$fake/bin:/usr/bin:/bin" official warn
verdict "other models, require: the build stops" 1 \
  "AWSCLI_MODELS_CHECK=require: the native engine would be off" "$fake/bin:/usr/bin:/bin" official require
verdict "none: no CLI, native only" 0 \
  "==== awscli-mcp image (AWSCLI_SOURCE=none): no AWS CLI: the native engine only (AWSCLI_MCP_ENGINE=native)" \
  "$tmp/tools" none warn
verdict "none, but an aws is there: stops" 1 "AWSCLI_SOURCE=none, but there is an aws" \
  "$tmp/tools:$fake/bin" none warn
verdict "a bad AWSCLI_MODELS_CHECK: stops" 1 "must be warn or require, not 'strict'" \
  "$fake/bin:/usr/bin:/bin" debian strict
printf '#!/bin/sh\necho "aws-cli/1.29.0 Python/3.11"\n' >"$fake/bin/python3"
verdict "a v1 CLI: stops" 1 "the AWS CLI is not v2: aws-cli/1.29.0" "$fake/bin:/usr/bin:/bin" debian warn
verdict "no CLI where one was asked for: stops" 1 "the AWS CLI does not run" "$tmp/tools" debian warn

# ---- Cost (reported, not asserted) ----
"$helper" /usr/bin/aws 100 2>"$tmp/cost" >/dev/null
echo "cost: engine_cli_models_check(/usr/bin/aws): first $(sed -n 's/^first_us //p' "$tmp/cost") us" \
  "(loads libcrypto), then $(sed -n 's/^mean_us //p' "$tmp/cost") us per check (mean of 100)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
