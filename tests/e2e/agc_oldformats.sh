#!/usr/bin/env bash
# cagc on archives of formats 1.x and 2.x against the answers the tool that
# wrote them gave (tests/data/agc/README.md): listset, listref, listctg,
# getset per sample (sha256), getset -l 60 of all samples, getcol, getctg
# ranges, the stored command lines of info; then corrupt copies exit 1 and
# getcol is the same at 1 and 2 threads.
set -u
. "$(dirname "$0")/common.bash"
D=$ROOT/tests/data/agc

[ -x "$CAGC" ] || { echo "FAIL: no cagc binary in $B"; exit 1; }
[ -d "$D/v1" ] && [ -d "$D/v2" ] || { echo "FAIL: no test data in $D"; exit 1; }

# The sequence lines of a getctg answer file (headers and ### lines dropped).
bodies() { grep -v -e '^###' -e '^>' "$1"; }

for A in "$D"/v1/*.agc "$D"/v2/*.agc; do
  E=${A%.agc}
  n="$(basename "$(dirname "$A")")/$(basename "$E")"
  "$CAGC" listset "$A" >"$T/o" && check "$n listset" cmp -s "$T/o" "$E/listset.txt" || fail "$n listset exit"
  mapfile -t samples <"$E/listset.txt"
  "$CAGC" listctg "$A" "${samples[@]}" >"$T/o" && check "$n listctg" cmp -s "$T/o" "$E/listctg.txt" \
    || fail "$n listctg exit"
  ok=1
  while read -r h s; do
    case $s in
      getset-l60-all) got=$("$CAGC" getset -l 60 "$A" "${samples[@]}" | sha256sum) ;;
      getcol) got=$("$CAGC" getcol -t 2 "$A" | sha256sum) ;;
      getcol-l100) got=$("$CAGC" getcol -l 100 "$A" | sha256sum) ;;
      *) got=$("$CAGC" getset "$A" "$s" | sha256sum) ;;
    esac
    [ "${got%% *}" = "$h" ] || { ok=0; echo "  mismatch: $n $s"; }
  done <"$E/getset.sha256"
  check "$n getset/getcol of every sample" test "$ok" = 1
  ok=1
  : >"$T/all"
  while IFS= read -r q; do
    awk -v q="### $q" '$0 == q {on = 1; next} /^### / {on = 0} on' "$E/getctg.txt" >"$T/want"
    "$CAGC" getctg "$A" "$q" >"$T/got" 2>/dev/null || { ok=0; echo "  exit: $q"; }
    cmp -s "$T/got" "$T/want" || { ok=0; echo "  mismatch: $n getctg $q"; }
    { echo "### $q"; cat "$T/got"; } >>"$T/all"
  done < <(sed -n 's/^### //p' "$E/getctg.txt")
  check "$n getctg answers" test "$ok" = 1
  if [ -f "$E/getctg-agc1.1.txt" ]; then
    check "$n getctg sequences equal AGC 1.1's" cmp -s <(bodies "$T/all") <(bodies "$E/getctg-agc1.1.txt")
  fi
  "$CAGC" info "$A" >/dev/null 2>"$T/o"
  sed -n '/^Command lines:$/,$p' "$T/o" | tail -n +2 >"$T/cmds"
  check "$n info shows the stored command lines" cmp -s "$T/cmds" "$E/info-cmdlines.txt"
done

# Format details visible through the CLI.
A=$D/v1/toy.agc
check "v1 listref is the first stored sample" test "$("$CAGC" listref "$A")" = a
check "v2 listref is the first input" test "$("$CAGC" listref "$D/v2/toy.agc")" = ref
"$CAGC" info "$A" 2>"$T/o" >/dev/null
check "v1 info has no segment size" bash -c "! grep -q 'Segment size' '$T/o'"

# ---- threads: the same bytes at -t 1 and -t 2, and in streaming mode
for A in "$D/v1/synth.agc" "$D/v2/synth_b1.agc"; do
  n=$(basename "$(dirname "$A")")
  "$CAGC" getcol -t 1 "$A" >"$T/t1"
  "$CAGC" getcol -t 2 "$A" >"$T/t2"
  check "$n getcol -t 1 = -t 2" cmp -s "$T/t1" "$T/t2"
  "$CAGC" getset -s "$A" s5 >"$T/s"
  "$CAGC" getset -t 2 "$A" s5 >"$T/p"
  check "$n getset -s = -t 2" cmp -s "$T/s" "$T/p"
done

# ---- corrupt copies: exit 1, never a crash
for A in "$D/v1/toy.agc" "$D/v2/toy_concat_b1.agc"; do
  n=$(basename "$(dirname "$A")")/$(basename "$A" .agc)
  sz=$(stat -c %s "$A")
  bad=0
  for cut in 1 9 $((sz / 3)) $((sz / 2)) $((sz - 9)) $((sz - 1)); do
    head -c "$cut" "$A" >"$T/c.agc"
    "$CAGC" getcol "$T/c.agc" >/dev/null 2>&1
    rc=$?
    [ "$rc" = 1 ] || { bad=1; echo "  truncated to $cut: exit $rc"; }
  done
  check "$n truncated copies exit 1" test "$bad" = 0
  bad=0
  for off in $(seq 0 37 $((sz - 9))); do
    cp "$A" "$T/f.agc"
    printf '\xff' | dd of="$T/f.agc" bs=1 seek="$off" conv=notrunc status=none
    "$CAGC" getcol "$T/f.agc" >/dev/null 2>&1
    rc=$?
    [ "$rc" -le 1 ] || { bad=1; echo "  byte $off set to ff: exit $rc"; }
  done
  check "$n corrupted bytes exit 0 or 1" test "$bad" = 0
done

finish
