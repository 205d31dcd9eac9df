#!/usr/bin/env bash
# Output bytes must not depend on the thread count. For each threaded command,
# run it with -t 1 and -t 2 on the same input and compare the bytes.
#   scripts/determinism.sh [BUILDDIR]
# Prints PASS:/FAIL: lines and exits non-zero on any difference.
set -u
cd "$(dirname "$0")/.."
B=${1:-build/release}
SH=${KINDRED_SHARED:-$(cd .. && pwd)/shared}
G="$SH/golden/agc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

same() { # what file1 file2
  if [ -s "$2" ] && cmp -s "$2" "$3"; then
    echo "PASS: $1 identical at -t 1 and -t 2 ($(stat -c %s "$2") bytes)"
  else
    echo "FAIL: $1 differs between -t 1 and -t 2 (or is empty)"; fail=1
  fi
}

# cagc create: the bundled example, a golden case with edge cases, concatenated mode.
ex=(examples/agc/g0*.fa.gz)
for t in 1 2; do "$B/cagc" create -t $t -o "$work/ex$t.agc" "${ex[@]}"; done
same "cagc create examples/agc" "$work/ex1.agc" "$work/ex2.agc"

syn=("$G/inputs/synth/ref.fa.gz" "$G/inputs/synth/s1.fa.gz" "$G/inputs/synth/s2.fa"
     "$G/inputs/synth/s3.fa.gz" "$G/inputs/synth/s4.fa.gz" "$G/inputs/synth/s5.fa.gz")
for t in 1 2; do "$B/cagc" create -t $t -b 2 -s 10000 -o "$work/syn$t.agc" "${syn[@]}"; done
same "cagc create -b 2 -s 10000 synth" "$work/syn1.agc" "$work/syn2.agc"

for t in 1 2; do "$B/cagc" create -t $t -c -o "$work/cat$t.agc" "$G/inputs/synth/ref.fa.gz" "$G/inputs/synth/concat_s1_s3.fa.gz"; done
same "cagc create -c synth_concat" "$work/cat1.agc" "$work/cat2.agc"

# cagc extraction.
for t in 1 2; do "$B/cagc" getcol -t $t "$G/archives/saureus_default.agc" >"$work/col$t.fa"; done
same "cagc getcol saureus_default" "$work/col1.fa" "$work/col2.fa"
for t in 1 2; do "$B/cagc" getset -t $t -g 3 "$G/archives/ecoli_draft.agc" mg1655_contigs >"$work/set$t.fa.gz"; done
same "cagc getset -g 3 ecoli_draft" "$work/set1.fa.gz" "$work/set2.fa.gz"

# cmork: parallel bulk load, dumped in trie order, and a query.
# Data made here with awk (exact integer arithmetic), not by project code.
awk 'BEGIN { for (i = 0; i < 200000; i++)
  printf "(edge %d %d)\n", (i * 7919) % 5003, (i * 104729 + 13) % 4999 }' >"$work/edges.metta"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "(= (rule %d) (result-%d $x))\n", i, i }' >"$work/rules.metta"
for t in 1 2; do "$B/cmork" dump -t $t "$work/edges.metta" "$work/rules.metta" >"$work/dump$t.txt"; done
same "cmork dump (220k atoms)" "$work/dump1.txt" "$work/dump2.txt"
for t in 1 2; do "$B/cmork" query -t $t '(edge 17 $x)' "$work/edges.metta" >"$work/q$t.txt"; done
same "cmork query" "$work/q1.txt" "$work/q2.txt"

# cmetta: facts are bulk-loaded in parallel; results must not change.
{ cat "$work/edges.metta"
  echo '!(match &self (edge 17 $x) $x)'
  echo '!(collapse (match &self (, (edge 5 $a) (edge $a $b)) ($a $b)))'; } >"$work/prog.metta"
for t in 1 2; do "$B/cmetta" -t $t "$work/prog.metta" >"$work/metta$t.txt"; done
same "cmetta bulk load + match" "$work/metta1.txt" "$work/metta2.txt"

if [ "$fail" -ne 0 ]; then echo "determinism: FAILED"; exit 1; fi
echo "determinism: all outputs independent of thread count"
