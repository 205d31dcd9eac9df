#!/usr/bin/env bash
# Benchmark of `cagc create` on a generated genome collection.
#
#   bench/agc-create.sh [-n GENOMES] [-l LEN] [-r RUNS] [-b BUILDDIR] [-d WORKDIR] [-x] [-R] [-A AGC]
#
# Generates GENOMES related genomes of LEN bases (agc-gen: a random mutation
# tree, every fourth genome a fragmented draft; gzip FASTA), then runs
# create RUNS times at -t 1 and at -t 2 and prints the median wall time,
# the median peak RSS and the archive size, plus the speed-up. It also
# checks that both thread counts write identical bytes and that two samples
# decode back to their input. Defaults: 50 genomes of 5 Mbp, 3 runs.
# -x generates genomes with an accessory part (agc-gen -x: novel and lost
# stretches of 1-20 kb each generation), closer to bacterial collections.
# -R runs create under real-time scheduling (chrt -f 1, needs root): on a
# machine shared with other work it is the only way to see the thread
# scaling; the kernel still keeps 5% of each CPU for everything else, so
# times are about 5% above those of an idle machine.
# -A AGC also times a reference AGC executable (one you built yourself; this
# script never builds or downloads it) on the same inputs and prints the
# ratios of wall time, peak RSS and archive size.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=50 LEN=5000000 RUNS=3 B=${KINDRED_BUILD:-$ROOT/build/release} W= RT=() REF= ACC=
while getopts n:l:r:b:d:xRA: o; do
  case $o in
    n) N=$OPTARG ;; l) LEN=$OPTARG ;; r) RUNS=$OPTARG ;; b) B=$OPTARG ;; d) W=$OPTARG ;;
    x) ACC=-x ;;
    R) RT=(chrt -f 1) ;;
    A) REF=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 1 ;;
  esac
done
case $B in /*) ;; *) B=$PWD/$B ;; esac
[ -x "$B/cagc" ] && [ -x "$B/agc-gen" ] || { echo "build cagc and agc-gen into $B first (make bench)"; exit 1; }
W=${W:-$(mktemp -d)}
mkdir -p "$W"
DATA=$W/gen-n$N-l$LEN${ACC}
if [ ! -e "$DATA/done" ]; then
  echo "generating $N genomes of $LEN bp into $DATA ..."
  "$B/agc-gen" -n "$N" -l "$LEN" -s 1 $ACC -o "$DATA" -z >/dev/null
  touch "$DATA/done"
fi
inputs=("$DATA"/g*.fa.gz)
raw=$(zcat "${inputs[@]}" | grep -v '>' | tr -d '\n' | wc -c)
echo "input: ${#inputs[@]} files, $raw bases, $(du -cb "${inputs[@]}" | tail -1 | cut -f1) bytes gzip"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)${RT:+, real-time priority}"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for t in 1 2; do
  : >"$W/times.$t"
  : >"$W/rss.$t"
  : >"$W/cpu.$t"
  for ((r = 0; r < RUNS; r++)); do
    "${RT[@]}" /usr/bin/time -f "%e %M %U %S" -o "$W/tm" \
      "$B/cagc" create -t "$t" -o "$W/out.t$t.agc" "${inputs[@]}"
    read -r e m u sy <"$W/tm"
    echo "$e" >>"$W/times.$t"
    echo "$m" >>"$W/rss.$t"
    echo "$u $sy" | awk '{print $1 + $2}' >>"$W/cpu.$t"
  done
  T[$t]=$(median <"$W/times.$t")
  R[$t]=$(median <"$W/rss.$t")
  S[$t]=$(stat -c %s "$W/out.t$t.agc")
  printf -- "-t %d: wall %s s (median of %d: %s), CPU %s s, peak RSS %.1f MB, archive %d bytes (ratio %.1f)\n" \
    "$t" "${T[$t]}" "$RUNS" "$(tr '\n' ' ' <"$W/times.$t")" "$(median <"$W/cpu.$t")" \
    "$(echo "${R[$t]} / 1024" | bc -l)" "${S[$t]}" "$(echo "$raw / ${S[$t]}" | bc -l)"
done
echo "speed-up -t 2 vs -t 1: $(echo "${T[1]} / ${T[2]}" | bc -l | cut -c1-5)"
cmp -s "$W/out.t1.agc" "$W/out.t2.agc" && echo "-t 1 and -t 2 archives: identical" ||
  { echo "-t 1 and -t 2 archives: DIFFERENT"; exit 1; }
for s in g001 g003; do
  if cmp -s <("$B/cagc" getset "$W/out.t2.agc" "$s" | grep -v '>' | tr -d '\n') \
    <(zcat "$DATA/$s.fa.gz" | grep -v '>' | tr -d '\n' | tr acgtn ACGTN); then
    echo "sample $s decodes to its input: ok"
  else
    echo "sample $s decodes to its input: MISMATCH"; exit 1
  fi
done

if [ -n "$REF" ]; then
  for t in 1 2; do
    : >"$W/rtimes.$t"
    : >"$W/rrss.$t"
    for ((r = 0; r < RUNS; r++)); do
      "${RT[@]}" /usr/bin/time -f "%e %M" -o "$W/tm" \
        "$REF" create -t "$t" -o "$W/ref.t$t.agc" "${inputs[@]}" 2>/dev/null
      read -r e m <"$W/tm"
      echo "$e" >>"$W/rtimes.$t"
      echo "$m" >>"$W/rrss.$t"
    done
    RT_T=$(median <"$W/rtimes.$t")
    RT_R=$(median <"$W/rrss.$t")
    RS=$(stat -c %s "$W/ref.t$t.agc")
    printf -- "reference -t %d: wall %s s, peak RSS %.1f MB, archive %d bytes; cagc/reference: time %.3f, RSS %.3f, size %.4f\n" \
      "$t" "$RT_T" "$(echo "$RT_R / 1024" | bc -l)" "$RS" \
      "$(echo "${T[$t]} / $RT_T" | bc -l)" "$(echo "${R[$t]} / $RT_R" | bc -l)" "$(echo "${S[$t]} / $RS" | bc -l)"
  done
  for s in g001 g003; do
    if cmp -s <("$REF" getset "$W/out.t2.agc" "$s" 2>/dev/null) <("$B/cagc" getset "$W/out.t2.agc" "$s"); then
      echo "reference reads cagc's archive ($s): identical output"
    else
      echo "reference reads cagc's archive ($s): DIFFERENT"; exit 1
    fi
  done
fi
