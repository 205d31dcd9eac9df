#!/usr/bin/env bash
# mork benchmarks: the MeTTaTron bulk workloads, the 1M-edge load at 1 and 2
# threads, the two-hop join, and cmork end to end on a generated 1M-edge file.
#   bench/mork-load.sh [BUILDDIR] [REPS]
# Needs `make bench BUILDDIR=...` first (mork-load, mork-gen, cmork).
# Every line is the median of REPS runs (the machine is shared: medians, and
# the CPU seconds per run next to the wall time).
set -eu
B=${1:-build/release}
REPS=${2:-5}
for p in mork-load mork-gen cmork; do
  [ -x "$B/$p" ] || { echo "missing $B/$p: run make bench BUILDDIR=$B" >&2; exit 1; }
done

echo "== B1/B2: facts (fact i value-i) and rules (= (rule i) result-i), fresh space per run"
for w in facts rules; do
  for n in 10 50 100 500 1000; do
    r=$(( 20000 / n )); [ "$r" -lt "$REPS" ] && r=$REPS
    for m in individual bulk; do "$B/mork-load" "$w" "$n" "$m" 1 "$r"; done
  done
  for m in individual bulk; do "$B/mork-load" "$w" 1000000 "$m" 1 "$REPS"; done
done

echo "== B3: 1M (edge i j), random order, 50k nodes: bulk load at 1 and 2 threads"
for t in 1 2; do "$B/mork-load" edges 1000000 bulk "$t" "$REPS"; done

echo "== two-hop join (, (edge \$a \$b) (edge \$b \$c)) on 10k edges (500 nodes)"
"$B/mork-load" join 10000 - 1 "$REPS"

echo "== cmork count on a 1M-edge file (includes mmap, process start and exit)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/mork-gen" edges 1000000 >"$T/edges.metta"
for t in 1 2; do
  for i in $(seq "$REPS"); do
    s=$(date +%s%N); "$B/cmork" count -t "$t" "$T/edges.metta" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | sort -n | awk -v t="$t" '{ a[NR] = $1 } END {
    m = a[int((NR + 1) / 2)]
    printf "cmork count -t %d edges 1M | median %d ms | %.2f M atoms/s | min %d max %d ms\n",
      t, m, 1000 / m, a[1], a[NR] }'
done
