#!/usr/bin/env bash
# cmetta benchmarks; prints the median wall time of REPS runs per workload.
#   bench/metta.sh [BUILDDIR] [REPS]      (defaults: build/release, 5)
# Workloads: naive fib 25 and 30, a 1M-step tail-recursive loop, all 92
# solutions of 8-queens (superpose + collapse), loading 100k (edge a b)
# facts plus one node's match, and a two-hop join over 10k edges that
# yields 100k results. Inputs are generated here with awk.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$ROOT/build/release}
REPS=${2:-5}
CM=$B/cmetta
M=$ROOT/bench/metta
[ -x "$CM" ] || { echo "missing $CM (run make first)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

{ cat "$M/fib.metta"; echo '!(fib 25)'; } >"$T/fib25.metta"
{ cat "$M/fib.metta"; echo '!(fib 30)'; } >"$T/fib30.metta"
{ cat "$M/loop.metta"; echo '!(loop 1000000 0)'; } >"$T/loop.metta"
cp "$M/queens.metta" "$T/queens.metta"
# 100k edges over 10k nodes, 10 out-edges each
awk 'BEGIN { for (i = 0; i < 100000; i++) { a = i % 10000; k = int(i / 10000)
  printf "(edge %d %d)\n", a, (a * 37 + k * 1009 + 1) % 10000 }
  print "!(match &self (edge 4242 $x) $x)" }' >"$T/load.metta"
# 10k edges over 1000 nodes, out-degree 10: the two-hop join has 100k rows
awk 'BEGIN { for (i = 0; i < 10000; i++) { a = i % 1000; k = int(i / 1000)
  printf "(edge %d %d)\n", a, (a * 37 + k * 101 + 1) % 1000 }
  print "!(match &self (, (edge $a $b) (edge $b $c)) ($a $c))" }' >"$T/join.metta"

# expected answers, to make sure the timed runs computed the right thing
check() { # name file pattern
  out=$("$CM" "$2" | head -c 200000)
  case "$out" in $3) ;; *) echo "$1: unexpected output: ${out:0:200}" >&2; exit 1 ;; esac
}
check fib25 "$T/fib25.metta" '\[75025\]'
check loop "$T/loop.metta" '\[1000000\]'
check queens "$T/queens.metta" '\[92\]'
check load "$T/load.metta" '\[*\]'
n=$("$CM" "$T/join.metta" | tr -cd ',' | wc -c)
[ "$n" -eq 99999 ] || { echo "join: expected 100000 results, got $((n + 1))" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m }'; }
run() { # label file: median wall time and median user+sys CPU time
  local i w c
  : >"$T/w"; : >"$T/c"
  for i in $(seq "$REPS"); do
    { TIMEFORMAT='%R %U %S'; time "$CM" "$2" >/dev/null; } 2>"$T/t"
    read -r w u s <"$T/t"
    echo "$w" >>"$T/w"
    awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f\n", u + s }' >>"$T/c"
  done
  printf "%-34s %8s s wall %8s s cpu\n" "$1" "$(median <"$T/w")" "$(median <"$T/c")"
}
echo "cmetta benchmarks: median of $REPS runs, wall clock ($(nproc) cores)"
run "fib 25" "$T/fib25.metta"
run "fib 30" "$T/fib30.metta"
run "tail loop 1M steps" "$T/loop.metta"
run "8-queens, all 92 solutions" "$T/queens.metta"
run "load 100k edges + one match" "$T/load.metta"
run "two-hop join, 10k edges (100k)" "$T/join.metta"
