#!/usr/bin/env bash
# cagc against the reference tool's answers on every golden archive:
# listset, listref, listctg, info (stderr), getset per sample (sha256),
# getset -l 60 of all samples, getctg ranges; then error exits and thread
# independence of getcol.
set -u
. "$(dirname "$0")/common.bash"

[ -x "$CAGC" ] || { echo "FAIL: no cagc binary in $B"; exit 1; }
[ -d "$G/archives" ] || { echo "FAIL: no golden data in $G"; exit 1; }

for A in "$G"/archives/*.agc; do
  n=$(basename "$A" .agc)
  E=$G/expected/$n
  "$CAGC" listset "$A" >"$T/o" && check "$n listset" cmp -s "$T/o" "$E/listset.txt" || fail "$n listset exit"
  "$CAGC" listref "$A" >"$T/o" && check "$n listref" cmp -s "$T/o" "$E/listref.txt" || fail "$n listref exit"
  mapfile -t samples <"$E/listset.txt"
  "$CAGC" listctg "$A" "${samples[@]}" >"$T/o" && check "$n listctg" cmp -s "$T/o" "$E/listctg.txt" \
    || fail "$n listctg exit"
  "$CAGC" info "$A" >"$T/out" 2>"$T/o" && check "$n info on stderr" cmp -s "$T/o" "$E/info.txt" \
    || fail "$n info exit"
  check "$n info leaves stdout empty" test ! -s "$T/out"
  ok=1
  while read -r h s; do
    if [ "$s" = getset-l60-all ]; then
      got=$("$CAGC" getset -l 60 "$A" "${samples[@]}" | sha256sum | cut -d' ' -f1)
      check "$n getset -l 60 all samples" test "$got" = "$h"
    else
      got=$("$CAGC" getset "$A" "$s" | sha256sum | cut -d' ' -f1)
      [ "$got" = "$h" ] || { ok=0; echo "  mismatch: $n getset $s"; }
    fi
  done <"$E/getset.sha256"
  check "$n getset of every sample" test "$ok" = 1
  if [ -f "$E/getctg.txt" ]; then
    ok=1
    while IFS= read -r q; do
      awk -v q="### $q" '$0 == q {on = 1; next} /^### / {on = 0} on' "$E/getctg.txt" >"$T/want"
      "$CAGC" getctg "$A" "$q" >"$T/got" 2>/dev/null || { ok=0; echo "  exit: $q"; }
      cmp -s "$T/got" "$T/want" || { ok=0; echo "  mismatch: $n getctg $q"; }
    done < <(sed -n 's/^### //p' "$E/getctg.txt")
    check "$n getctg answers" test "$ok" = 1
  fi
done

# ---- errors: exit 1 with one line on stderr
A=$G/archives/synth_default.agc
"$CAGC" getset "$A" no_such_sample >"$T/o" 2>"$T/e"
check "unknown sample exits 1" test $? = 1
check "unknown sample: one-line message" test "$(wc -l <"$T/e")" = 1
"$CAGC" getctg "$A" no_such_ctg@s1 >/dev/null 2>"$T/e"
check "unknown contig exits 1" test $? = 1
"$CAGC" listctg "$A" nope >/dev/null 2>&1
check "listctg unknown sample exits 1" test $? = 1
"$CAGC" listset "$T/does-not-exist.agc" >/dev/null 2>&1
check "missing archive exits 1" test $? = 1
sz=$(stat -c %s "$A")
head -c $((sz / 2)) "$A" >"$T/trunc.agc"
"$CAGC" getcol "$T/trunc.agc" >/dev/null 2>&1
check "truncated archive exits 1" test $? = 1
head -c $((sz - 3)) "$A" >"$T/trunc2.agc"
"$CAGC" listset "$T/trunc2.agc" >/dev/null 2>&1
check "archive missing its last bytes exits 1" test $? = 1
: >"$T/empty.agc"
"$CAGC" info "$T/empty.agc" >/dev/null 2>&1
check "empty file exits 1" test $? = 1
if [ -w /dev/full ]; then
  "$CAGC" getcol "$A" -o /dev/full >/dev/null 2>&1
  check "write to /dev/full exits 1" test $? = 1
  "$CAGC" listset "$A" >/dev/full 2>/dev/null
  check "listset to /dev/full exits 1" test $? = 1
fi
"$CAGC" getcol -t 1 "$A" 2>"$T/e" | head -c 100 >/dev/null
st=${PIPESTATUS[0]}
check "closed pipe exits 1" test "$st" = 1

# ---- thread count does not change bytes
for n in synth_default ecoli_draft; do
  "$CAGC" getcol -t 1 "$G/archives/$n.agc" | sha256sum >"$T/t1"
  "$CAGC" getcol -t 2 "$G/archives/$n.agc" | sha256sum >"$T/t2"
  check "$n getcol -t 1 and -t 2 identical" cmp -s "$T/t1" "$T/t2"
  "$CAGC" getcol -t 2 -l 0 "$G/archives/$n.agc" | tr -d '\n' | sha256sum >"$T/l0"
  "$CAGC" getcol -t 1 -l 100 "$G/archives/$n.agc" | tr -d '\n' | sha256sum >"$T/l100"
  check "$n -l 0 and -l 100 carry the same letters" cmp -s "$T/l0" "$T/l100"
done
# getcol -o DIR: one file per sample, each equal to the golden getset hash
n=saureus_default
mkdir -p "$T/col"
"$CAGC" getcol -t 2 -o "$T/col" "$G/archives/$n.agc"
ok=1
while read -r h s; do
  [ "$s" = getset-l60-all ] && continue
  [ "$(sha256sum <"$T/col/$s.fa" | cut -d' ' -f1)" = "$h" ] || ok=0
done <"$G/expected/$n/getset.sha256"
check "$n getcol -o DIR matches getset per sample" test "$ok" = 1
mkdir -p "$T/colr"
"$CAGC" getcol -r -g 2 -o "$T/colr" "$G/archives/$n.agc"
ref=$("$CAGC" listref "$G/archives/$n.agc")
check "getcol -r skips the reference" test ! -e "$T/colr/$ref.fa.gz"
s1=$(ls "$T/colr" | head -n 1)
check "getcol -g writes .fa.gz that decompress to getset" \
  cmp -s <(gzip -dc "$T/colr/$s1") <("$CAGC" getset "$G/archives/$n.agc" "${s1%.fa.gz}")
"$CAGC" getset -s "$A" s3 | sha256sum >"$T/s"
grep " s3\$" "$G/expected/synth_default/getset.sha256" | cut -d' ' -f1 | sed 's/$/  -/' >"$T/w"
check "getset -s (streaming) gives the same bytes" cmp -s "$T/s" "$T/w"
"$CAGC" getset -l 10 "$A" s3 | sed -n 2p | tr -d '\n' | wc -c >"$T/l"
check "-l below 40 is clamped to 40" test "$(cat "$T/l")" = 40
"$CAGC" getset "$A" s3 --bogus >/dev/null 2>&1
check "unknown option exits 1" test $? = 1
"$CAGC" nosuchcmd >/dev/null 2>&1
check "unknown command exits 1" test $? = 1
"$CAGC" getset "$A" >/dev/null 2>&1
check "missing sample argument exits 1" test $? = 1

# gzip output decompresses to the plain output
"$CAGC" getset -g 5 "$A" s1 | gzip -dc >"$T/gz" && "$CAGC" getset "$A" s1 >"$T/plain"
check "getset -g decompresses to the plain bytes" cmp -s "$T/gz" "$T/plain"

finish
