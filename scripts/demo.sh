#!/usr/bin/env bash
# The main job on the bundled example data: compress eight related genomes
# into one AGC archive, list it, pull out a sample, a contig range, and check
# that every sample decompresses to exactly its input (upper-cased, as AGC
# stores sequence). Usage: scripts/demo.sh BUILDDIR
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/release}
CAGC="$B/cagc"
out="$B/demo"
rm -rf "$out"; mkdir -p "$out"
inputs=(examples/agc/g0*.fa.gz)

norm() { # FASTA on stdin -> "header<TAB>SEQUENCE" per record, upper-case, unwrapped
  awk '/^>/ { if (h != "") print h "\t" s; h = substr($0, 2); s = ""; next }
       { s = s toupper($0) } END { if (h != "") print h "\t" s }'
}

echo "== cagc create: ${#inputs[@]} genomes, $(cat "${inputs[@]}" | gzip -dc | wc -c) bytes of FASTA"
t0=$(date +%s%N)
"$CAGC" create -t 2 -o "$out/example.agc" "${inputs[@]}"
t1=$(date +%s%N)
size=$(stat -c %s "$out/example.agc")
gz=$(cat "${inputs[@]}" | wc -c)
echo "   archive: $size bytes (the gzip inputs take $gz bytes), $(( (t1 - t0) / 1000000 )) ms"

echo "== cagc listset"
"$CAGC" listset "$out/example.agc"
echo "== cagc info"
"$CAGC" info "$out/example.agc" 2>&1
echo "== cagc listctg g003 (a fragmented draft)"
"$CAGC" listctg "$out/example.agc" g003
echo "== cagc getctg 'chr1@g001:1000-1099' (0-based, inclusive)"
"$CAGC" getctg "$out/example.agc" 'chr1@g001:1000-1099'

echo "== round trip of every sample"
bad=0
for f in "${inputs[@]}"; do
  s=$(basename "$f" .fa.gz)
  if cmp -s <(gzip -dc "$f" | norm) <("$CAGC" getset "$out/example.agc" "$s" | norm); then
    echo "   $s: identical"
  else
    echo "   $s: DIFFERENT"; bad=1
  fi
done
t0=$(date +%s%N)
"$CAGC" getcol -t 2 "$out/example.agc" >"$out/all.fa"
t1=$(date +%s%N)
echo "== cagc getcol: $(stat -c %s "$out/all.fa") bytes of FASTA in $(( (t1 - t0) / 1000000 )) ms"
if [ "$bad" -ne 0 ]; then echo "demo: round trip FAILED"; exit 1; fi
echo "demo: all ${#inputs[@]} samples round-trip exactly"
