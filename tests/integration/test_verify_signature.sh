#!/usr/bin/env bash
# docker/verify-signature, which the Dockerfile uses to check the official AWS CLI installer
# against the AWS CLI team's PGP key: it accepts only a good signature by the pinned key
# (also when the key's self-signature has expired, as old copies of AWS's key have), and
# refuses a changed file, another key, and a malformed fingerprint. The key shipped in
# docker/aws-cli-team.asc is the one the Dockerfile pins. Ends with "N passed, N failed".
set -uo pipefail
cd "${SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
verify=$PWD/docker/verify-signature
tmp=$(mktemp -d)
trap 'GNUPGHOME=$tmp/gnupg gpgconf --kill gpg-agent 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # name expected-status command...
  local name=$1 want=$2 got
  shift 2
  "$@" >"$tmp/out" 2>&1
  got=$?
  if [ "$got" -eq "$want" ]; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: exit $got, want $want"
    sed 's/^/    /' "$tmp/out" | head -10
    failed=$((failed + 1))
  fi
}
if ! command -v gpg >/dev/null; then
  echo "FAIL gpg is not installed (scripts/install-deps installs gnupg)"
  echo "0 passed, 1 failed"
  exit 1
fi

# Two signing keys, and one that expired after it signed (gpg's clock faked for both).
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
newkey() { # uid [faked-time expiry]
  gpg --batch --passphrase '' ${2:+--faked-system-time "$2"} \
    --quick-gen-key "$1" ed25519 sign "${3:-1y}" 2>/dev/null
  gpg --batch --with-colons --list-keys "$1" | awk -F: '$1 == "fpr" { print $10; exit }'
}
fa=$(newkey "Signer A <a@example.com>")
fb=$(newkey "Signer B <b@example.com>")
fx=$(newkey "Expired C <c@example.com>" 20200101T000000 2021-01-01)
printf 'installer bytes\n' >"$tmp/file.zip"
gpg --batch -u "$fa" --detach-sign -o "$tmp/a.sig" "$tmp/file.zip" 2>/dev/null
gpg --batch -u "$fx" --faked-system-time 20200601T000000 --detach-sign -o "$tmp/x.sig" \
  "$tmp/file.zip" 2>/dev/null
gpg --batch --armor --export "$fa" >"$tmp/a.asc"
gpg --batch --armor --export "$fb" >"$tmp/b.asc"
gpg --batch --armor --export "$fx" >"$tmp/x.asc"
cp "$tmp/file.zip" "$tmp/changed.zip"
printf 'x' >>"$tmp/changed.zip"
unset GNUPGHOME

spaced=$(sed -E 's/(....)/\1 /g' <<<"$fa")
check "good signature by the pinned key" 0 "$verify" "$tmp/file.zip" "$tmp/a.sig" "$tmp/a.asc" "$fa"
check "fingerprint with spaces, as AWS prints it" 0 "$verify" "$tmp/file.zip" "$tmp/a.sig" "$tmp/a.asc" "$spaced"
check "changed file refused" 1 "$verify" "$tmp/changed.zip" "$tmp/a.sig" "$tmp/a.asc" "$fa"
check "signature by another key refused" 1 "$verify" "$tmp/file.zip" "$tmp/a.sig" "$tmp/b.asc" "$fb"
check "right key file, other pinned fingerprint refused" 1 "$verify" "$tmp/file.zip" "$tmp/a.sig" "$tmp/a.asc" "$fb"
check "signature by a key whose self-signature expired since: accepted" 0 \
  "$verify" "$tmp/file.zip" "$tmp/x.sig" "$tmp/x.asc" "$fx"
check "malformed fingerprint refused" 2 "$verify" "$tmp/file.zip" "$tmp/a.sig" "$tmp/a.asc" "ABCD"
check "missing arguments refused" 2 "$verify" "$tmp/file.zip"

# The shipped key is the AWS CLI team's, with the fingerprint the Dockerfile pins.
pinned=$(sed -nE 's/^ARG AWSCLI_PGP_FINGERPRINT=([0-9A-F]{40})$/\1/p' Dockerfile)
shipped=$(gpg --batch --with-colons --import-options show-only --import docker/aws-cli-team.asc \
  2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
uid=$(gpg --batch --with-colons --import-options show-only --import docker/aws-cli-team.asc \
  2>/dev/null | awk -F: '$1 == "uid" { print $10; exit }')
check "Dockerfile pins FB5D B77F D5C1 18B8 0511 ADA8 A631 0ACC 4672 475C" 0 \
  test "$pinned" = FB5DB77FD5C118B80511ADA8A6310ACC4672475C
check "docker/aws-cli-team.asc is that key" 0 test "$shipped" = "$pinned"
check "docker/aws-cli-team.asc is the AWS CLI Team's" 0 test "$uid" = "AWS CLI Team <aws-cli@amazon.com>"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
