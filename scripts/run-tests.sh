#!/usr/bin/env bash
# Runs every test of one build directory and counts results.
#   scripts/run-tests.sh BUILDDIR LABEL [NAME-FILTER]
# cmocka executables count their own test cases; e2e scripts print one
# "PASS: what" or "FAIL: what" line per check; each fuzz replayer counts as one
# test. A program that crashes or times out counts as a failure. Writes
# "pass fail" to BUILDDIR/test-counts and prints "N passed, N failed".
set -u
B=$1
LABEL=${2:-$(basename "$B")}
FILTER=${3:-}
TIMEOUT=${TEST_TIMEOUT:-900}
pass=0
fail=0
failed=()
logdir="$B/test-logs"
mkdir -p "$logdir"
export KINDRED_BUILD="$B"
export KINDRED_SHARED="${KINDRED_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}"

count_cmocka() { # name exe
  local name=$1 exe=$2 log="$logdir/$1.log" rc p f t0=$SECONDS
  timeout "$TIMEOUT" "$exe" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
  sk=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
  p=${p:-0}; f=${f:-0}; sk=${sk:-0}
  # A skipped test asserts nothing: the suite does not allow them.
  if [ "$sk" -ne 0 ]; then f=$((f + sk)); echo "$sk skipped test(s): not allowed" >>"$log"; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    failed+=("$name")
    echo "FAIL $name (exit $rc)"; tail -n 30 "$log"
  else
    echo "ok   $name ($p, $((SECONDS - t0)) s)"
  fi
}

count_script() { # name script
  local name=$1 sh=$2 log="$logdir/$1.log" rc p f t0=$SECONDS
  timeout "$TIMEOUT" bash "$sh" >"$log" 2>&1
  rc=$?
  p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "no checks ran" >>"$log"; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    failed+=("$name")
    echo "FAIL $name (exit $rc)"; grep '^FAIL: ' "$log" | head -n 20; tail -n 20 "$log"
  else
    echo "ok   $name ($p, $((SECONDS - t0)) s)"
  fi
}

echo "=== tests: $LABEL"
for exe in $(find "$B/tests" -type f -perm -u+x 2>/dev/null | sort); do
  name=${exe#"$B"/tests/}; name=${name//\//_}
  if [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]]; then continue; fi
  count_cmocka "$name" "$exe"
done

if [ -z "$FILTER" ]; then
  for sh in $(find tests/e2e -name '*.sh' 2>/dev/null | sort); do
    name=e2e_$(basename "$sh" .sh)
    count_script "$name" "$sh"
  done
  for rep in $(find "$B/fuzz-replay" -type f -perm -u+x 2>/dev/null | sort); do
    t=$(basename "$rep")
    name=fuzz_$t
    log="$logdir/$name.log"
    if [ -d "fuzz/corpus/$t" ] && timeout "$TIMEOUT" "$rep" "fuzz/corpus/$t" >"$log" 2>&1; then
      pass=$((pass + 1)); echo "ok   $name ($(wc -l <"$log") inputs)"
    else
      fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name"; tail -n 20 "$log"
    fi
  done
fi

echo "$pass $fail" >"$B/test-counts"
if [ ${#failed[@]} -gt 0 ]; then echo "failed in $LABEL: ${failed[*]}"; fi
echo "$LABEL: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
