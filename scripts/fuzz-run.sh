#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a short time,
# starting from its corpus under fuzz/corpus/<target>/ (new inputs go to a
# scratch directory, so the committed corpus only changes by hand).
#   scripts/fuzz-run.sh [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
make --no-print-directory -j"$(nproc)" fuzz >build-fuzz.log 2>&1 || { cat build-fuzz.log; exit 1; }
rm -f build-fuzz.log
status=0
for bin in build/fuzz/fuzz/*; do
  [ -x "$bin" ] || continue
  t=$(basename "$bin")
  scratch=$(mktemp -d)
  seeds=()
  [ -d "fuzz/corpus/$t" ] && seeds=("fuzz/corpus/$t")
  echo "=== fuzz $t for ${secs}s"
  if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        "$scratch" "${seeds[@]}" >"build/fuzz/$t.log" 2>&1; then
    echo "FAIL: fuzz $t"; tail -n 40 "build/fuzz/$t.log"; status=1
  else
    grep -E 'stat::number_of_executed_units' "build/fuzz/$t.log" || true
    echo "PASS: fuzz $t"
  fi
  rm -rf "$scratch"
done
exit $status
