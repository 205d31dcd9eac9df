#!/usr/bin/env bash
# cmork end to end: count, dump and query on small hand-checked files and on
# a 1M-fact file; -t 1 and -t 2 give identical bytes; bad files, malformed
# atoms (FILE:LINE:COL) and bad options exit 1. Expected outputs are written
# out here by hand or computed with coreutils (sort numerically = trie order
# for atoms whose numbers have no leading zeros), never by cmork itself.
set -u
. "$(dirname "$0")/common.bash"
CMORK=$B/cmork
[ -x "$CMORK" ] || { echo "FAIL: no cmork binary in $B"; exit 1; }
# expect NAME WANT-FILE -- command...
expect() {
  local name=$1 want=$2
  shift 3
  if "$@" >"$T/got" 2>"$T/err"; then
    if cmp -s "$T/got" "$want"; then pass "$name"; else
      fail "$name: output differs"; diff "$want" "$T/got" | head -n 10
    fi
  else
    fail "$name: exit $? ($(head -c 200 "$T/err"))"
  fi
}

# ---- version and help
if "$CMORK" --version | grep -q '^cmork [0-9]'; then pass "--version"; else fail "--version"; fi
if "$CMORK" --help | grep -q 'cmork query'; then pass "--help"; else fail "--help"; fi

# ---- a small graph
cat >"$T/g.metta" <<'EOF'
; a small graph
(edge 1 2) (edge 2 3)
(edge 3 1)
(edge 2 2)   ; a loop
(edge 3 4)
(edge 1 2)
(colour 2 "dark red")
(likes $x pizza)
EOF
printf '7\n' >"$T/want"
expect "count drops duplicates" "$T/want" -- "$CMORK" count "$T/g.metta"
cat >"$T/want" <<'EOF'
(edge 1 2)
(edge 2 2)
(edge 2 3)
(edge 3 1)
(edge 3 4)
(likes $a pizza)
(colour 2 "dark red")
EOF
expect "dump in trie order" "$T/want" -- "$CMORK" dump "$T/g.metta"
printf '(edge 2 2)\n(edge 2 3)\n' >"$T/want"
expect "query constant head" "$T/want" -- "$CMORK" query '(edge 2 $x)' "$T/g.metta"
printf '(edge 2 2)\n' >"$T/want"
expect "query repeated variable" "$T/want" -- "$CMORK" query '(edge $x $x)' "$T/g.metta"
printf '(likes $a pizza)\n' >"$T/want"
expect "query two-sided" "$T/want" -- "$CMORK" query '(likes ann pizza)' "$T/g.metta"
cat >"$T/want" <<'EOF'
(path 1 2)
(path 1 3)
(path 2 2)
(path 2 3)
(path 2 1)
(path 2 4)
(path 3 2)
EOF
expect "two-hop join with template" "$T/want" -- \
  "$CMORK" query --template '(path $a $c)' '(, (edge $a $b) (edge $b $c))' "$T/g.metta"
printf '(, (edge 1 2) (colour 2 "dark red"))\n(, (edge 2 2) (colour 2 "dark red"))\n' >"$T/want"
expect "conjunction without template" "$T/want" -- \
  "$CMORK" query '(, (edge $a $b) (colour $b $c))' "$T/g.metta"
printf '(edge 9 9)\n' >"$T/g2.metta"
printf '8\n' >"$T/want"
expect "several files, one space" "$T/want" -- "$CMORK" count "$T/g.metta" "$T/g2.metta"
printf '7\n' >"$T/want"
expect "stdin as -" "$T/want" -- sh -c "\"$CMORK\" count - <\"$T/g.metta\""
"$CMORK" dump -o "$T/out.txt" "$T/g2.metta" >/dev/null 2>&1
if [ "$(cat "$T/out.txt")" = "(edge 9 9)" ]; then pass "-o FILE"; else fail "-o FILE"; fi

: >"$T/empty.metta"
printf '0\n' >"$T/want"
expect "empty file counts 0" "$T/want" -- "$CMORK" count -t 2 "$T/empty.metta"
printf '; only comments\n\n  \n' >"$T/blank.metta"
expect "comments only count 0" "$T/want" -- "$CMORK" count "$T/blank.metta"

# ---- errors exit 1 with a position
printf '(ok 1)\n(ok 2)\n  (bad (x)\n' >"$T/bad.metta"
"$CMORK" count "$T/bad.metta" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "bad.metta:3:3: unclosed" "$T/err" && [ ! -s "$T/out" ]; then
  pass "malformed atom: exit 1 with file:line:col"
else fail "malformed atom: rc=$rc err=$(cat "$T/err")"; fi
printf '(ok 1))\n' >"$T/bad2.metta"
"$CMORK" dump "$T/bad2.metta" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "bad2.metta:1:7: unexpected ')'" "$T/err"; then
  pass "unbalanced ')' reported"; else fail "unbalanced: rc=$rc $(cat "$T/err")"; fi
"$CMORK" count "$T/missing.metta" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "missing.metta: cannot read" "$T/err"; then pass "missing file exits 1"
else fail "missing file: rc=$rc $(cat "$T/err")"; fi
"$CMORK" query '(edge $x' "$T/g.metta" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "pattern" "$T/err"; then pass "malformed pattern exits 1"
else fail "malformed pattern: rc=$rc"; fi
for args in "count -t 0 g.metta" "count -t x g.metta" "frob g.metta" "count" "query"; do
  # shellcheck disable=SC2086
  (cd "$T" && "$CMORK" $args >/dev/null 2>&1); rc=$?
  if [ $rc -eq 1 ]; then pass "bad usage '$args' exits 1"; else fail "bad usage '$args': rc=$rc"; fi
done
if [ -w /dev/full ]; then
  "$CMORK" dump "$T/g.metta" >/dev/full 2>"$T/err"; rc=$?
  if [ $rc -eq 1 ]; then pass "write error exits 1"; else fail "write error: rc=$rc"; fi
fi

# ---- 1M facts: count, dump identical at -t 1 and -t 2, in numeric order
N=1000000
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "(fact %d value-%d)\n", i, i }' >"$T/facts.metta"
printf '%s\n' "$N" >"$T/want"
expect "1M facts counted (-t 2)" "$T/want" -- "$CMORK" count -t 2 "$T/facts.metta"
h1=$("$CMORK" dump -t 1 "$T/facts.metta" | md5sum)
h2=$("$CMORK" dump -t 2 "$T/facts.metta" | md5sum)
hw=$(md5sum <"$T/facts.metta")
if [ "$h1" = "$h2" ] && [ "$h1" = "$hw" ]; then pass "1M facts dump: -t 1 = -t 2 = numeric order"
else fail "1M facts dump differs ($h1 / $h2 / $hw)"; fi
printf '(fact 777777 value-777777)\n' >"$T/want"
expect "1M facts point query" "$T/want" -- "$CMORK" query '(fact 777777 $v)' "$T/facts.metta"

# ---- random edges: dump = sort -n -u; a query = awk filter
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++)
  printf "(edge %d %d)\n", int(rand() * 5000), int(rand() * 5000) }' >"$T/edges.metta"
sort -t' ' -k2,2n -k3,3n -u "$T/edges.metta" >"$T/want"
expect "edges dump -t 1 = sorted unique" "$T/want" -- "$CMORK" dump -t 1 "$T/edges.metta"
expect "edges dump -t 2 = sorted unique" "$T/want" -- "$CMORK" dump -t 2 "$T/edges.metta"
awk '$2 == "42"' "$T/want" >"$T/want42"
expect "edges query (edge 42 \$x)" "$T/want42" -- "$CMORK" query -t 2 '(edge 42 $x)' "$T/edges.metta"
awk '$3 == "42)"' "$T/want" >"$T/want42b"
expect "edges query (edge \$x 42)" "$T/want42b" -- "$CMORK" query '(edge $x 42)' "$T/edges.metta"

finish
