#!/usr/bin/env bash
# cagc create on awkward input: stdin, gzip, CRLF, lowercase, IUPAC and
# other letters, empty records, '-i' lists, --pansn, sample naming, and the
# errors that must stop it with exit status 1 and a message.
set -u
. "$(dirname "$0")/common.bash"
[ -x "$CAGC" ] || { echo "FAIL: no cagc binary in $B"; exit 1; }

# A reference with some sequence, and a sample with every oddity.
awk 'BEGIN { srand(7); for (c = 1; c <= 2; c++) { print ">chr" c " ref";
  s = ""; for (i = 0; i < 3000; i++) s = s substr("ACGT", int(rand() * 4) + 1, 1);
  for (i = 1; i <= length(s); i += 70) print substr(s, i, 70) } }' >"$T/ref.fa"
{
  printf '>chr1 lower\r\n'
  sed -n '2,44p' "$T/ref.fa" | tr 'ACGT' 'acgt' | sed 's/$/\r/'
  printf '>empty\n>chr2 odd letters\nACGTRYKMSWBDHVNU\nXJZ*-.acgt@`\n>nl\n\n>last\nACGT'
} >"$T/s1.fa"
# What the reader must give back: upper case, letters outside IUPAC as N,
# bytes < 64 dropped, 80 columns.
{
  echo '>chr1 lower'
  sed -n '2,44p' "$T/ref.fa" | tr -d '\n' | fold -w 80; echo
  echo '>empty'
  echo '>chr2 odd letters'
  echo 'ACGTRYKMSWBDHVNUNNNACGTNN'
  echo '>nl'
  echo '>last'
  echo 'ACGT'
} >"$T/s1.expect"
gzip -c "$T/ref.fa" >"$T/refz.fa.gz"

"$CAGC" create -t 2 -o "$T/a.agc" "$T/refz.fa.gz" - <"$T/s1.fa" 2>"$T/err"
check "create from gzip and stdin succeeds" test $? -eq 0
check "letters outside IUPAC are reported" grep -q "stored as N" "$T/err"
check "reference sample named after the file" test "$("$CAGC" listref "$T/a.agc")" = refz
"$CAGC" getset "$T/a.agc" - >"$T/s1.out" 2>/dev/null
check "stdin sample decodes upper-cased, N for odd letters, empty records kept" \
  cmp -s "$T/s1.out" "$T/s1.expect"
"$CAGC" getset "$T/a.agc" refz >"$T/ref.out"
check "reference decodes to the input re-wrapped" \
  cmp -s <(grep -v '>' "$T/ref.out" | tr -d '\n') <(grep -v '>' "$T/ref.fa" | tr -d '\n')

# -i list: positional reference first, duplicates dropped
cp "$T/s1.fa" "$T/s2.fasta"
printf '%s\n%s  %s\n' "$T/s2.fasta" "$T/s2.fasta" "$T/ref.fa" >"$T/list.txt"
"$CAGC" create -o "$T/b.agc" -i "$T/list.txt" "$T/refz.fa.gz" 2>/dev/null
check "-i list accepted" test $? -eq 0
check "-i samples in order, ref first" \
  test "$("$CAGC" listset "$T/b.agc" | tr '\n' ' ')" = "ref refz s2 "

# duplicate contig name in one sample: error, exit 1, message names it
printf '>x\nACGT\n>y\nACGT\n>x\nGGGG\n' >"$T/dup.fa"
"$CAGC" create -o "$T/c.agc" "$T/ref.fa" "$T/dup.fa" 2>"$T/err"
check "duplicate contig name exits 1" test $? -eq 1
check "duplicate contig name message" grep -q "contig name 'x' occurs twice" "$T/err"

# two inputs with the same sample name
cp "$T/dup.fa" "$T/d2.fa"
mkdir -p "$T/sub"; cp "$T/s1.fa" "$T/sub/s2.fa"
"$CAGC" create -o "$T/c.agc" "$T/ref.fa" "$T/s2.fasta" "$T/sub/s2.fa" 2>"$T/err"
check "duplicate sample name exits 1" test $? -eq 1

# --pansn: one file, samples by sample#hap
{
  sed 's/^>chr/>A#1#chr/' "$T/ref.fa"
  sed 's/^>chr/>B#2#chr/' "$T/ref.fa"
} >"$T/pan.fa"
"$CAGC" create --pansn -o "$T/p.agc" "$T/pan.fa" 2>/dev/null
check "--pansn create succeeds" test $? -eq 0
check "--pansn sample names" test "$("$CAGC" listset "$T/p.agc" | tr '\n' ' ')" = "A#1 B#2 "
check "--pansn sample decodes" \
  cmp -s <("$CAGC" getset "$T/p.agc" 'B#2' | grep -v '>') <("$CAGC" getset "$T/p.agc" 'A#1' | grep -v '>')
{ cat "$T/pan.fa"; sed 's/^>chr/>A#1#extra/' "$T/ref.fa"; } >"$T/pan2.fa"
"$CAGC" create --pansn -o "$T/p2.agc" "$T/pan2.fa" 2>"$T/err"
check "--pansn non-contiguous sample exits 1" test $? -eq 1
printf '>nohash\nACGT\n' >"$T/pan3.fa"
"$CAGC" create --pansn -o "$T/p3.agc" "$T/pan3.fa" 2>"$T/err"
check "--pansn header without sample#hap exits 1" test $? -eq 1

# -c with a sample spanning two rounds (consecutive contigs "b ..." share a
# short name, batches of 2)
{
  for n in 'a x' 'b x' 'b y' 'b z' 'c x' 'd x' 'd y'; do
    echo ">$n"; sed -n '2,30p' "$T/ref.fa"
  done
} >"$T/cc.fa"
"$CAGC" create -c -b 2 -o "$T/cc.agc" "$T/cc.fa" 2>/dev/null
check "-c create succeeds" test $? -eq 0
check "-c groups consecutive short names into one sample" \
  test "$("$CAGC" listset "$T/cc.agc" | tr '\n' ' ')" = "a b c d "
check "-c sample across rounds decodes" \
  test "$("$CAGC" getset "$T/cc.agc" b | grep -v '>' | tr -d '\n')" = \
  "$(for i in 1 2 3; do sed -n '2,30p' "$T/ref.fa"; done | tr -d '\n')"

# unreadable input, unwritable output, bad option, text before header
"$CAGC" create -o "$T/e.agc" "$T/ref.fa" "$T/s1.fa" "$T/s2.fasta" "$T/missing.fa" 2>/dev/null
check "missing input exits 1" test $? -eq 1
check "no partial archive is left behind" test ! -e "$T/e.agc"
"$CAGC" create -o "$T/nodir/e.agc" "$T/ref.fa" 2>/dev/null
check "unwritable output exits 1" test $? -eq 1
if [ -w /dev/full ]; then
  "$CAGC" create -o /dev/full "$T/ref.fa" 2>"$T/err"
  check "full disk exits 1" test $? -eq 1
  check "full disk is reported" test -s "$T/err"
fi
"$CAGC" create -k x "$T/ref.fa" >/dev/null 2>&1
check "non-numeric option exits 1" test $? -eq 1
printf 'ACGT\n>x\nACGT\n' >"$T/nohdr.fa"
"$CAGC" create -o "$T/e.agc" "$T/ref.fa" "$T/nohdr.fa" 2>/dev/null
check "text before the first header exits 1" test $? -eq 1
"$CAGC" create "$T/ref.fa" >"$T/stdout.agc" 2>/dev/null
check "archive written to stdout is readable" test "$("$CAGC" listset "$T/stdout.agc")" = ref
finish
