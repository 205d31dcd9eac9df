#!/usr/bin/env bash
# cagc create on the golden cases: the archive is at most 1.01x the
# reference tool's size for the same inputs and options, every sample
# decodes to the reference tool's expected sha256, and -t 1 and -t 2 write
# identical bytes. The six default-mode cases, plus three with -a / -f.
set -u
. "$(dirname "$0")/common.bash"
[ -x "$CAGC" ] || { echo "FAIL: no cagc binary in $B"; exit 1; }
[ -d "$G/inputs" ] || { echo "FAIL: no golden data in $G"; exit 1; }

for c in toy_default synth_default synth_b2_s10k synth_concat saureus_default ecoli_draft \
  synth_fallback synth_k25 hpylori_adaptive; do
  line=$(grep -P "^$c\t" "$G/cases.tsv" | cut -f2)
  args=${line#create }
  # shellcheck disable=SC2086
  if ! (cd "$G" && "$CAGC" create -t 2 -o "$T/$c.agc" $args 2>"$T/$c.err"); then
    fail "$c: create failed: $(head -c 300 "$T/$c.err")"
    continue
  fi
  size=$(stat -c %s "$T/$c.agc")
  ref=$(cat "$G/expected/$c/size.txt")
  if [ "$((size * 100))" -le "$((ref * 101))" ]; then
    pass "$c: size $size <= 1.01 x $ref"
  else
    fail "$c: size $size > 1.01 x $ref"
  fi
  nbad=0; n=0
  while read -r h s; do
    if [ "$s" = getset-l60-all ]; then
      # shellcheck disable=SC2046
      got=$("$CAGC" getset -l 60 "$T/$c.agc" $("$CAGC" listset "$T/$c.agc") | sha256sum | cut -c1-64)
    else
      got=$("$CAGC" getset "$T/$c.agc" "$s" | sha256sum | cut -c1-64)
    fi
    n=$((n + 1))
    [ "$got" = "$h" ] || { nbad=$((nbad + 1)); echo "  mismatch: $c $s"; }
  done <"$G/expected/$c/getset.sha256"
  if [ "$n" -gt 0 ] && [ "$nbad" -eq 0 ]; then
    pass "$c: $n decoded hashes match the reference tool"
  else
    fail "$c: $nbad of $n decoded hashes differ"
  fi
  if cmp -s <("$CAGC" listset "$T/$c.agc") "$G/expected/$c/listset.txt"; then
    pass "$c: listset"
  else
    fail "$c: listset differs"
  fi
done

for c in synth_default ecoli_draft synth_k25; do
  line=$(grep -P "^$c\t" "$G/cases.tsv" | cut -f2)
  args=${line#create }
  # shellcheck disable=SC2086
  (cd "$G" && "$CAGC" create -t 1 -o "$T/$c.t1.agc" $args 2>/dev/null)
  if cmp -s "$T/$c.t1.agc" "$T/$c.agc"; then
    pass "$c: -t 1 and -t 2 archives identical"
  else
    fail "$c: -t 1 and -t 2 archives differ"
  fi
done
finish
