#!/usr/bin/env bash
# cagc append: the golden synth_append case (create -b 2 ref s1 s2, then
# append s3 s4 s5) decodes to the reference tool's hashes within 1.01x of
# its size; appending in steps decodes like one create; appending onto
# archives written by the reference tool keeps every old sample intact;
# -t 1 == -t 2; a duplicate sample or a corrupt input archive fails with
# exit 1 and leaves neither an output nor temporary files behind.
set -u
. "$(dirname "$0")/common.bash"
[ -x "$CAGC" ] || { echo "FAIL: no cagc binary in $B"; exit 1; }
[ -d "$G/inputs" ] || { echo "FAIL: no golden data in $G"; exit 1; }
I=$G/inputs/synth

hash_of() { "$CAGC" getset "$1" "$2" | sha256sum | cut -c1-64; }
expect() { grep " $2\$" "$G/expected/$1/getset.sha256" | cut -c1-64; }
# every sample listed in expected/CASE/getset.sha256 decodes to its hash
check_case() {
  local arch=$1 c=$2 what=$3 n=0 nbad=0 h s got
  while read -r h s; do
    if [ "$s" = getset-l60-all ]; then
      # shellcheck disable=SC2046
      got=$("$CAGC" getset -l 60 "$arch" $("$CAGC" listset "$arch" | grep -Fvx -f <(cat "$4" 2>/dev/null)) | sha256sum | cut -c1-64)
    else
      got=$(hash_of "$arch" "$s")
    fi
    n=$((n + 1))
    [ "$got" = "$h" ] || { nbad=$((nbad + 1)); echo "  mismatch: $what $s"; }
  done <"$G/expected/$c/getset.sha256"
  if [ "$n" -gt 0 ] && [ "$nbad" -eq 0 ]; then
    pass "$what: $n decoded hashes match the reference tool"
  else
    fail "$what: $nbad of $n decoded hashes differ"
  fi
}
leftovers() { find "$1" -maxdepth 1 \( -name '.cagc-append-*' -o -name '*.part*' \) | wc -l; }

# 1. the golden case
"$CAGC" create -b 2 -t 2 -o "$T/base.agc" "$I/ref.fa.gz" "$I/s1.fa.gz" "$I/s2.fa" 2>"$T/err" ||
  fail "create of the base archive failed: $(head -c 300 "$T/err")"
sum0=$(sha256sum <"$T/base.agc")
if "$CAGC" append -t 2 -o "$T/app.agc" "$T/base.agc" "$I/s3.fa.gz" "$I/s4.fa.gz" "$I/s5.fa.gz" 2>"$T/err"; then
  pass "synth_append: append exits 0"
else
  fail "synth_append: append failed: $(head -c 300 "$T/err")"
fi
[ "$(sha256sum <"$T/base.agc")" = "$sum0" ] && pass "input archive unchanged" || fail "input archive modified"
check_case "$T/app.agc" synth_append synth_append /dev/null
size=$(stat -c %s "$T/app.agc" 2>/dev/null || echo 0)
ref=$(cat "$G/expected/synth_append/size.txt")
if [ "$size" -gt 0 ] && [ "$((size * 100))" -le "$((ref * 101))" ]; then
  pass "synth_append: size $size <= 1.01 x $ref"
else
  fail "synth_append: size $size > 1.01 x $ref"
fi
cmp -s <("$CAGC" listset "$T/app.agc") "$G/expected/synth_append/listset.txt" &&
  pass "synth_append: listset" || fail "synth_append: listset differs"
"$CAGC" info "$T/app.agc" 2>&1 | grep -q '^Batch size *: 2$' &&
  pass "synth_append: batch size kept from params" || fail "synth_append: batch size not 2"

# 2. -t 1 writes the same bytes
"$CAGC" append -t 1 -o "$T/app1.agc" "$T/base.agc" "$I/s3.fa.gz" "$I/s4.fa.gz" "$I/s5.fa.gz" 2>/dev/null
cmp -s "$T/app1.agc" "$T/app.agc" && pass "append -t 1 and -t 2 identical" || fail "append -t 1 and -t 2 differ"

# 3. two steps decode like one create of all inputs
"$CAGC" append -t 2 -o "$T/st1.agc" "$T/base.agc" "$I/s3.fa.gz" 2>/dev/null &&
  "$CAGC" append -t 2 -o "$T/st2.agc" "$T/st1.agc" "$I/s4.fa.gz" "$I/s5.fa.gz" 2>/dev/null ||
  fail "stepwise append failed"
"$CAGC" create -b 2 -t 2 -o "$T/one.agc" "$I/ref.fa.gz" "$I/s1.fa.gz" "$I/s2.fa" "$I/s3.fa.gz" \
  "$I/s4.fa.gz" "$I/s5.fa.gz" 2>/dev/null
all() { "$CAGC" getset -l 60 "$1" ref s1 s2 s3 s4 s5 | sha256sum | cut -c1-64; }
want=$(expect synth_append getset-l60-all)
if [ "$(all "$T/st2.agc")" = "$(all "$T/one.agc")" ] && [ "$(all "$T/st2.agc")" = "$want" ]; then
  pass "append in two steps decodes like one create (and the golden all-sample hash)"
else
  fail "append in two steps decodes differently from one create"
fi

# 4. onto archives written by the reference tool
cp "$I/s5.fa.gz" "$T/n5.fa.gz"
if "$CAGC" append -t 2 -o "$T/g.agc" "$G/archives/synth_b2_s10k.agc" "$T/n5.fa.gz" 2>"$T/err"; then
  check_case "$T/g.agc" synth_b2_s10k "append onto reference synth_b2_s10k.agc" <(echo n5)
  [ "$(hash_of "$T/g.agc" n5)" = "$(expect synth_b2_s10k s5)" ] &&
    pass "synth_b2_s10k + n5: new sample decodes" || fail "synth_b2_s10k + n5: new sample differs"
  "$CAGC" info "$T/g.agc" 2>&1 | grep -q '^Segment size *: 10000$' &&
    pass "synth_b2_s10k + n5: segment size kept from params" || fail "segment size not kept"
else
  fail "append onto synth_b2_s10k.agc failed: $(head -c 300 "$T/err")"
fi
cp "$G/inputs/toy/c.fa" "$T/c2.fa"
if "$CAGC" append -o "$T/toy.agc" "$G/archives/toy_default.agc" "$T/c2.fa" 2>"$T/err"; then
  check_case "$T/toy.agc" toy_default "append onto reference toy_default.agc" <(echo c2)
  [ "$(hash_of "$T/toy.agc" c2)" = "$(expect toy_default c)" ] &&
    pass "toy_default + c2: new sample decodes" || fail "toy_default + c2: new sample differs"
  [ "$("$CAGC" listref "$T/toy.agc")" = "$(cat "$G/expected/toy_default/listref.txt")" ] &&
    pass "toy_default + c2: reference sample unchanged" || fail "toy_default + c2: listref differs"
else
  fail "append onto toy_default.agc failed: $(head -c 300 "$T/err")"
fi

# -c onto the reference tool's synth_concat.agc: its splitters came from a
# reference file of four samples; with the stored splitters kept, the result
# is as small as one create -c of all inputs
gzip -dc "$I/s4.fa.gz" | sed 's/^>\([^ ]*\)/>new_\1/' >"$T/cc.fa"
if "$CAGC" append -c -t 2 -o "$T/cc.agc" "$G/archives/synth_concat.agc" "$T/cc.fa" 2>"$T/err"; then
  check_case "$T/cc.agc" synth_concat "append -c onto reference synth_concat.agc" \
    <("$CAGC" listset "$T/cc.agc" | grep '^new_')
  "$CAGC" create -c -t 2 -o "$T/cc1.agc" "$I/ref.fa.gz" "$I/concat_s1_s3.fa.gz" "$T/cc.fa" 2>/dev/null
  a=$(stat -c %s "$T/cc.agc"); b=$(stat -c %s "$T/cc1.agc")
  [ "$((a * 100))" -le "$((b * 101))" ] && pass "append -c: size $a <= 1.01 x create -c $b" ||
    fail "append -c: size $a > 1.01 x create -c $b"
else
  fail "append -c onto synth_concat.agc failed: $(head -c 300 "$T/err")"
fi
# -a onto the reference tool's synth_adaptive.agc (adaptive splitters kept)
if "$CAGC" append -a -t 2 -o "$T/ad.agc" "$G/archives/synth_adaptive.agc" "$T/n5.fa.gz" 2>"$T/err"; then
  check_case "$T/ad.agc" synth_adaptive "append -a onto reference synth_adaptive.agc" <(echo n5)
  a=$(stat -c %s "$T/ad.agc"); b=$(cat "$G/expected/synth_adaptive/size.txt")
  # n5 is a copy of s5: it must cost next to nothing
  [ "$a" -le "$((b + b / 100))" ] && pass "append -a: size $a <= 1.01 x $b (copy of s5 added)" ||
    fail "append -a: size $a > 1.01 x $b"
else
  fail "append -a onto synth_adaptive.agc failed: $(head -c 300 "$T/err")"
fi

# 5. an existing sample name is rejected
if "$CAGC" append -o "$T/dup.agc" "$T/base.agc" "$I/s3.fa.gz" "$I/s2.fa" 2>"$T/err"; then
  fail "duplicate sample accepted"
else
  [ $? -eq 1 ] && grep -q "'s2' is already in the archive" "$T/err" && [ ! -e "$T/dup.agc" ] &&
    pass "duplicate sample: exit 1, clear message, no output" ||
    fail "duplicate sample: wrong status, message or a leftover output"
fi

# 6. corrupt inputs: truncated, garbage, clobbered footer
head -c 100000 "$T/base.agc" >"$T/trunc.agc"
head -c 300000 /dev/urandom >"$T/garbage.agc"
cp "$T/base.agc" "$T/foot.agc"
sz=$(stat -c %s "$T/foot.agc")
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
  dd of="$T/foot.agc" bs=1 seek=$((sz - 12)) conv=notrunc 2>/dev/null
for f in trunc garbage foot; do
  "$CAGC" append -o "$T/out_$f.agc" "$T/$f.agc" "$I/s3.fa.gz" 2>/dev/null
  st=$?
  if [ $st -eq 1 ] && [ ! -e "$T/out_$f.agc" ] && [ "$(leftovers "$T")" -eq 0 ]; then
    pass "corrupt input ($f): exit 1, no output, no temporary files"
  else
    fail "corrupt input ($f): status $st or output/temporary files left"
  fi
done
# damage the reader notices only while decoding a sample (the archive opens):
# the child feeding the old samples fails part way, append must not keep
# the archive built from what it got
sz=$(stat -c %s "$T/base.agc")
found=0
for off in $(seq $((sz - 2000)) -3917 1000); do
  cp "$T/base.agc" "$T/mid.agc"
  printf '\377\377\377\377\377\377\377\377' | dd of="$T/mid.agc" bs=1 seek="$off" conv=notrunc 2>/dev/null
  "$CAGC" listset "$T/mid.agc" >/dev/null 2>&1 || continue
  "$CAGC" getset "$T/mid.agc" ref s1 s2 >/dev/null 2>&1 && continue
  found=1
  break
done
if [ $found -eq 0 ]; then
  fail "no damage found that fails decoding but not opening"
else
  "$CAGC" append -o "$T/out_mid.agc" "$T/mid.agc" "$I/s3.fa.gz" 2>"$T/err"
  st=$?
  [ $st -eq 1 ] && [ ! -e "$T/out_mid.agc" ] && [ "$(leftovers "$T")" -eq 0 ] &&
    grep -q 'decoding the existing samples failed' "$T/err" &&
    pass "damage found while decoding (offset $off): exit 1, no output, no temporary files" ||
    fail "damage found while decoding (offset $off): status $st or output/temporary files left"
fi
# a failing new input after the old samples were decoded
printf 'no header\nACGT\n' >"$T/x9.fa"
"$CAGC" append -o "$T/out_fa.agc" "$T/base.agc" "$T/x9.fa" 2>/dev/null
st=$?
[ $st -eq 1 ] && [ ! -e "$T/out_fa.agc" ] && [ "$(leftovers "$T")" -eq 0 ] &&
  pass "bad FASTA: exit 1, no output, no temporary files" ||
  fail "bad FASTA: status $st or output/temporary files left"

# 7. the output may replace the input
cp "$T/base.agc" "$T/inplace.agc"
"$CAGC" append -o "$T/inplace.agc" "$T/inplace.agc" "$I/s3.fa.gz" 2>/dev/null &&
  [ "$(hash_of "$T/inplace.agc" s3)" = "$(expect synth_append s3)" ] &&
  [ "$(hash_of "$T/inplace.agc" s1)" = "$(expect synth_append s1)" ] &&
  pass "-o equal to the input replaces it atomically" || fail "-o equal to the input"
finish
