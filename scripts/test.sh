#!/usr/bin/env bash
# The whole test suite, as `make test` runs it:
#   1. install missing Debian packages (scripts/deps.sh);
#   2. release build with gcc: every unit, model, e2e and fuzz-replay test;
#   3. the same suite built with clang and -fsanitize=address,undefined;
#   4. the threaded tests (*_mt) built with -fsanitize=thread.
# Ends with one line "N passed, N failed" over all three runs; exit 1 on any failure.
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh || { echo "deps.sh failed" >&2; exit 1; }

JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
start=$(date +%s)
total_pass=0
total_fail=0
build_fail=0

run_variant() { # variant cc [filter]
  local v=$1 cc=$2 filter=${3:-}
  echo "=== build: $v ($cc)"
  if ! make --no-print-directory -j"$JOBS" VARIANT="$v" CC="$cc" build-tests >"build/make-$v.log" 2>&1; then
    grep -E -A4 'error|warning:|Error [0-9]' "build/make-$v.log" | head -n 60 >&2
    echo "=== build of $v failed" >&2
    build_fail=$((build_fail + 1))
    return
  fi
  grep -E 'warning:' "build/make-$v.log" >&2 || true
  scripts/run-tests.sh "build/$v" "$v" $filter
  local p f
  read -r p f <"build/$v/test-counts"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

mkdir -p build
run_variant release gcc
run_variant asan clang
run_variant tsan gcc _mt

total_fail=$((total_fail + build_fail))
echo "=== make test took $(( $(date +%s) - start )) s"
echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
