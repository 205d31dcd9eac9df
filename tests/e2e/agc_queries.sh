#!/usr/bin/env bash
# getctg batch queries (-r FILE, --bed FILE), --one-based, --pansn and -l 0,
# checked against answers cut with awk straight from the FASTA inputs the
# golden archive was made from (not from cagc output).
set -u
. "$(dirname "$0")/common.bash"
A=$G/archives/synth_default.agc
[ -x "$CAGC" ] && [ -f "$A" ] || { echo "FAIL: missing cagc or golden data"; exit 1; }

# One line per record: sample <TAB> full header <TAB> upper-cased sequence.
for s in s2 s3 s5; do
  f=$G/inputs/synth/$s.fa; [ -f "$f" ] || f=$f.gz
  if [[ $f == *.gz ]]; then gzip -dc "$f"; else cat "$f"; fi |
    awk -v s="$s" '/^>/ {if (h != "") print s "\t" h "\t" toupper(q); h = substr($0, 2); q = ""; next}
                   {q = q $0} END {if (h != "") print s "\t" h "\t" toupper(q)}'
done >"$T/lin"

# want SAMPLE SHORT FROM TO (0-based inclusive) LABEL WIDTH PANSN: FASTA text
want() {
  awk -F'\t' -v s="$1" -v c="$2" -v f="$3" -v t="$4" -v lab="$5" -v w="$6" -v pansn="$7" '
    $1 == s { split($2, p, " "); if (p[1] != c) next
      n = length($3); if (t >= n) t = n - 1
      seq = (f <= t) ? substr($3, f + 1, t - f + 1) : ""
      printf ">%s%s%s\n", (pansn ? s "#" : ""), $2, lab
      if (w == 0) { if (seq != "") print seq }
      else for (i = 1; i <= length(seq); i += w) print substr(seq, i, w)
      exit }' "$T/lin"
}

# ---- -r FILE with many ranges, including ones across segment boundaries
: >"$T/q"; : >"$T/w"
x=17
for i in $(seq 1 60); do
  x=$(( (x * 1103515245 + 12345) % 2147483648 ))
  case $((i % 3)) in 0) s=s2; c=chr1_s2 ;; 1) s=s3; c=chr2_s3 ;; 2) s=s5; c=chr3_s5 ;; esac
  f=$((x % 250000)); t=$((f + (x / 7) % 150000))
  echo "$c@$s:$f-$t" >>"$T/q"
  want "$s" "$c" "$f" "$t" ":$f-$t" 80 0 >>"$T/w"
done
"$CAGC" getctg "$A" -r "$T/q" >"$T/o"
check "-r FILE: 60 ranges match the inputs" cmp -s "$T/o" "$T/w"
"$CAGC" getctg -t 2 "$A" -r "$T/q" >"$T/o2"
check "-r FILE at -t 2 identical" cmp -s "$T/o" "$T/o2"
check "-r FILE answers are not empty" test "$(wc -l <"$T/w")" -gt 100

# ---- --bed (0-based, half-open) gives the same bytes, header shows inclusive ends
printf 'chr1_s2@s2\t100\t200\tname1\n#comment\n  chr3_s5@s5 0 1\n' >"$T/bed"
{ want s2 chr1_s2 100 199 ":100-199" 80 0; want s5 chr3_s5 0 0 ":0-0" 80 0; } >"$T/w"
"$CAGC" getctg "$A" --bed "$T/bed" >"$T/o"
check "--bed FILE" cmp -s "$T/o" "$T/w"

# ---- --one-based: samtools-style 1-based inclusive
want s2 chr1_s2 100 199 ":101-200" 80 0 >"$T/w"
"$CAGC" getctg --one-based "$A" chr1_s2@s2:101-200 >"$T/o"
check "--one-based range" cmp -s "$T/o" "$T/w"
want s2 chr1_s2 100 199 ":100-199" 80 0 >"$T/w0"
check "--one-based differs from 0-based header only" cmp -s <(tail -n +2 "$T/o") <(tail -n +2 "$T/w0")

# ---- --pansn names, -l 0, unique contig without @sample
want s3 chr2_s3 0 999999999 "" 0 1 >"$T/w"
"$CAGC" getctg --pansn -l 0 "$A" chr2_s3 >"$T/o"
check "--pansn with -l 0 and no @sample" cmp -s "$T/o" "$T/w"
want s5 chr1_s5 5 400 ":5-400" 60 1 >"$T/w"
"$CAGC" getctg --pansn -l 60 "$A" "chr1_s5@s5:5-400" >"$T/o"
check "--pansn range -l 60" cmp -s "$T/o" "$T/w"

# ---- a query that names a contig by its full header needs no @sample
want s5 chr1_s5 0 99 ":0-99" 80 0 >"$T/w"
"$CAGC" getctg "$A" "chr1_s5 sample 5 desc:0-99" >"$T/o"
check "query by full header (short name match)" cmp -s "$T/o" "$T/w"

# ---- ambiguous and malformed
"$CAGC" getctg "$A" chr9_nowhere >/dev/null 2>&1
check "name in no sample exits 1" test $? = 1
"$CAGC" getctg "$G/archives/toy_default.agc" chr1 >"$T/o" 2>/dev/null
check "name in two samples exits 1" test $? = 1
check "ambiguous name writes nothing" test ! -s "$T/o"
"$CAGC" getctg "$A" plasmid_1 >"$T/o"
check "name unique across samples works" test "$(head -c 11 "$T/o")" = ">plasmid_1
" -o "$(head -n 1 "$T/o")" = ">plasmid_1"
printf 'chr1_s2@s2\t5\n' >"$T/badbed"
"$CAGC" getctg "$A" --bed "$T/badbed" >/dev/null 2>&1
check "malformed BED exits 1" test $? = 1
"$CAGC" getctg "$A" -r "$T/missing" >/dev/null 2>&1
check "missing region file exits 1" test $? = 1

finish
