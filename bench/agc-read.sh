#!/usr/bin/env bash
# Read-side benchmarks of cagc (medians of several runs; the machine is
# shared, so single runs are noise):
#   - getcol throughput, MB of FASTA out per second, at -t 1 and -t 2
#   - getset of one sample, wall time
#   - getctg of a 1 kb range, wall time (latency of one query)
#   - getctg -r of 1000 random 1 kb ranges (batch through the segment cache)
# on the largest golden archive and on a generated collection (agc-gen +
# cagc create, skipped when create is not available).
#   bench/agc-read.sh [BUILDDIR] [RUNS]     (BENCH_REP: runs per sample, 10)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$ROOT/build/release}
RUNS=${2:-5}
S=${KINDRED_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
CAGC=$B/cagc
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# secs CMD...: median wall seconds of one run, from RUNS samples of REP
# back-to-back runs each (output discarded); the median CPU seconds (user +
# system) of one run go to $T/cpu. REP runs per sample put even a 10 ms
# command well above the 10 ms resolution of the CPU clock, and the CPU
# time is what a neighbour's load does not change (the wall time on a
# shared machine mostly measures the neighbours).
REP=${BENCH_REP:-10}
secs() {
  : >"$T/cpus"
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$T/tm" bash -c \
      'for _ in $(seq "$0"); do "$@" >/dev/null 2>&1; done' "$REP" "$@"
    t1=$(date +%s.%N)
    read -r u s <"$T/tm"
    echo "($u + $s) / $REP" | bc -l >>"$T/cpus"
    echo "($t1 - $t0) / $REP" | bc -l
  done | median
  median <"$T/cpus" >"$T/cpu"
}

bench_archive() { # label archive
  local label=$1 A=$2
  local bytes sample ctg len
  bytes=$("$CAGC" getcol -t 1 "$A" | wc -c)
  sample=$("$CAGC" listset "$A" | tail -n 1)
  read -r ctg < <("$CAGC" listctg "$A" "$sample" | sed -n '2{s/^   //;s/ .*//;p}')
  len=$("$CAGC" getctg -l 0 "$A" "$ctg@$sample" | tail -n 1 | tr -d '\n' | wc -c)
  echo "== $label: $(basename "$A") ($(stat -c %s "$A") bytes, getcol writes $bytes bytes)"
  echo "  (median wall s, MB/s of FASTA by wall time; median CPU s, MB per CPU s)"
  for t in 1 2; do
    s=$(secs "$CAGC" getcol -t "$t" "$A"); c=$(cat "$T/cpu")
    printf '  getcol -t %d              %8.4f s %8.1f MB/s   cpu %7.4f s %8.1f MB/s\n' "$t" "$s" \
      "$(echo "$bytes / $s / 1000000" | bc -l)" "$c" "$(echo "$bytes / $c / 1000000" | bc -l)"
  done
  s=$(secs "$CAGC" getset -t 2 "$A" "$sample")
  printf '  getset %-17s %8.3f s                 cpu %7.4f s\n' "$sample" "$s" "$(cat "$T/cpu")"
  local from=$(( len / 2 )) to=$(( len / 2 + 999 ))
  [ "$to" -lt "$len" ] || { from=0; to=$(( len - 1 )); }
  s=$(secs "$CAGC" getctg -t 1 "$A" "$ctg@$sample:$from-$to")
  printf '  getctg 1 kb range         %8.4f s                 cpu %7.4f s\n' "$s" "$(cat "$T/cpu")"
  awk -v c="$ctg" -v s="$sample" -v n="$len" 'BEGIN {srand(7); for (i = 0; i < 1000; i++) {
      f = int(rand() * (n > 1000 ? n - 1000 : 1)); print c "@" s ":" f "-" f + 999 }}' >"$T/q"
  s=$(secs "$CAGC" getctg -t 1 "$A" -r "$T/q")
  printf '  getctg -r 1000 x 1 kb     %8.4f s                 cpu %7.4f s\n' "$s" "$(cat "$T/cpu")"
}

[ -x "$CAGC" ] || { echo "no $CAGC (build first)"; exit 1; }
G=$S/golden/agc/archives
bench_archive golden "$G/hpylori_adaptive.agc"

if [ -x "$B/agc-gen" ] && "$CAGC" create 2>&1 | grep -qv 'not available'; then
  "$B/agc-gen" -n 40 -l 5000000 -s 11 -o "$T/gen" &&
    "$CAGC" create -t 2 -o "$T/gen.agc" "$T"/gen/g*.fa >/dev/null 2>&1 &&
    bench_archive "generated 40 x 5 Mbp" "$T/gen.agc"
else
  echo "== generated collection skipped (agc-gen or cagc create missing)"
fi
