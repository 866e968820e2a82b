#!/usr/bin/env bash
# ctest-timeout: 240
# `make install` (issue 8): with DESTDIR and PREFIX, or the GNU names prefix and bindir, it
# installs the program and nothing else, and the installed program runs; `make uninstall`
# removes it again.
set -uo pipefail
SOURCE_DIR=${SOURCE_DIR:-$PWD}
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build}
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # NAME WANT GOT
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n     want: %s\n     got:  %s\n' "$1" "$2" "$3"
  fi
}

files() { (cd "$1" && find . -type f -o -type l | sort | tr '\n' ' '); }

# The build is there already (ctest runs after it); `make install` must not need more.
mk() { make -s -C "$SOURCE_DIR" BUILD="$BUILD_DIR" "$@" >"$tmp/make.log" 2>&1; }

mk install DESTDIR="$tmp/a" PREFIX=/usr/local
check "make install DESTDIR PREFIX=/usr/local: exit 0" 0 $?
check "installs only bin/awscli-mcp" "./usr/local/bin/awscli-mcp " "$(files "$tmp/a")"
check "the installed program runs" "awscli-mcp" "$("$tmp/a/usr/local/bin/awscli-mcp" --version | cut -d' ' -f1)"
check "mode 755" 755 "$(stat -c %a "$tmp/a/usr/local/bin/awscli-mcp")"

mk install DESTDIR="$tmp/b" prefix=/opt/awscli-mcp
check "GNU prefix: installs under it" "./opt/awscli-mcp/bin/awscli-mcp " "$(files "$tmp/b")"
mk install DESTDIR="$tmp/c" bindir=/usr/libexec/x
check "GNU bindir wins" "./usr/libexec/x/awscli-mcp " "$(files "$tmp/c")"

mk uninstall DESTDIR="$tmp/a" PREFIX=/usr/local
check "make uninstall removes it" "" "$(files "$tmp/a")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
