#!/usr/bin/env bash
# cmetta end to end: the self-checking scripts under tests/e2e/metta/ (their
# assertions carry values taken from the reference interpreter's documents
# and test scripts), plus the program's output format, stdin, errors with
# file:line:col, exit codes, println!, limits and bulk loading (checked
# against answers computed here with awk, not by cmetta).
set -u
. "$(dirname "$0")/common.bash"
CM=$B/cmetta
D=$ROOT/tests/e2e/metta
[ -x "$CM" ] || { echo "FAIL: missing $CM"; exit 1; }

# ---- self-checking scripts: one PASS per script, one FAIL per failed assertion
for f in "$D"/*.metta; do
  name=$(basename "$f" .metta)
  "$CM" --test "$f" >"$T/out" 2>"$T/err"
  rc=$?
  summary=$(grep -E "assertions passed" "$T/out" | tail -n1)
  nfail=$(grep -c '^FAIL: ' "$T/out")
  npass=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) assertions passed.*/\1/p')
  if [ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ] && [ "${npass:-0}" -gt 0 ]; then
    pass "script $name ($npass assertions)"
  else
    grep '^FAIL: ' "$T/out" | sed 's/^FAIL: /FAIL: assertion /' | cut -c1-300
    fail "script $name: $summary (exit $rc)"
    head -n5 "$T/err"
  fi
done

# ---- output format: one [r1, r2] line per `!`
cat >"$T/fmt.metta" <<'EOF'
(= (pick) a)
(= (pick) b)
!(+ 1 2)
!(pick)
!(empty)
!(superpose ("x" 1.5 True))
!(/ 5 0)
!(undefined-thing 1)
fact-without-bang
EOF
"$CM" "$T/fmt.metta" >"$T/fmt.out" 2>&1
printf '%s\n' '[3]' '[a, b]' '[]' '["x", 1.5, True]' '[(Error (/ 5 0) DivisionByZero)]' \
  '[(undefined-thing 1)]' >"$T/fmt.want"
if cmp -s "$T/fmt.out" "$T/fmt.want"; then pass "result lines"; else
  fail "result lines"; diff "$T/fmt.want" "$T/fmt.out" | head; fi

# ---- print-alternatives!: "N head:", then each item indented (strings raw)
out=$(printf '%s\n' '!(print-alternatives! "found" (1 "two" (x "y")))' | "$CM" - | tr '\n' '|')
[ "$out" = '3 found:|    1|    two|    (x "y")|[()]|' ] && pass "print-alternatives!" ||
  fail "print-alternatives!: got '$out'"

# ---- `-` reads stdin
out=$(printf '!(* 6 7)\n' | "$CM" -)
[ "$out" = "[42]" ] && pass "stdin" || fail "stdin: got '$out'"

# ---- println! writes before the result line
out=$(printf '!(println! "hi there")\n' | "$CM" - | tr '\n' '|')
[ "$out" = "hi there|[()]|" ] && pass "println!" || fail "println!: got '$out'"

# ---- help! prints in the reference's words (its documentation script)
cat >"$T/help.metta" <<'EOF'
(@doc f (@desc "Doc of f") (@params ((@param "x"))) (@return "y"))
(: f (-> A B))
(@doc K (@desc "Doc of K"))
(: K T)
!(help! f)
!(help! K)
!(help! none)
EOF
out=$("$CM" "$T/help.metta" | tr '\n' '|')
want='Function f: (-> A B) Doc of f|Parameters:|  (type A) x|Return: (type B) y|[()]|'
want+='Atom K: T Doc of K|[()]|No documentation found for none|[()]|'
[ "$out" = "$want" ] && pass "help! output" || fail "help! output: got '$out'"

# ---- syntax errors carry file:line:col and fail
printf '(a b)\n  (c (d e)\n' >"$T/bad1.metta"
"$CM" "$T/bad1.metta" >/dev/null 2>"$T/e1"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "bad1.metta:2:3: error" "$T/e1"; then pass "unclosed paren position"
else fail "unclosed paren position (exit $rc): $(cat "$T/e1")"; fi
printf '!(+ 1 2)\n(a b))\n' >"$T/bad2.metta"
"$CM" "$T/bad2.metta" >"$T/o2" 2>"$T/e2"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "bad2.metta:2:6: error" "$T/e2" && [ "$(cat "$T/o2")" = "[3]" ]; then
  pass "stray paren position, earlier results kept"
else fail "stray paren position (exit $rc): $(cat "$T/e2")"; fi
printf '!(println! "abc)\n' >"$T/bad3.metta"
"$CM" "$T/bad3.metta" >/dev/null 2>"$T/e3"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "bad3.metta:1:12: error" "$T/e3"; then pass "unterminated string position"
else fail "unterminated string position (exit $rc): $(cat "$T/e3")"; fi

# ---- --test exit status and per-assertion report
printf '!(assertEqual 1 1)\n!(assertEqual (+ 1 1) 3)\n' >"$T/t.metta"
"$CM" --test "$T/t.metta" >"$T/to" 2>&1; rc=$?
if [ "$rc" -eq 1 ] && grep -q "1 assertions passed, 1 failed" "$T/to" && grep -q '^FAIL: .*t.metta:2:1' "$T/to"; then
  pass "--test counts and exit status"
else fail "--test counts and exit status (exit $rc): $(cat "$T/to")"; fi

# ---- help, version, usage errors
"$CM" --help | grep -q "Usage" && pass "--help" || fail "--help"
"$CM" --version | grep -q "^cmetta " && pass "--version" || fail "--version"
"$CM" --no-such-option >/dev/null 2>&1; [ $? -eq 2 ] && pass "bad option exits 2" || fail "bad option exits 2"

# ---- step limit: an endless tail loop stops with an error
printf '(= (spin $n) (spin (+ $n 1)))\n!(spin 0)\n' >"$T/spin.metta"
out=$(timeout 20 "$CM" --max-steps 100000 "$T/spin.metta" 2>&1)
[[ "$out" == *"step limit reached"* ]] && pass "step limit" || fail "step limit: got '$out'"

# ---- bulk loading: facts big enough for the parallel path, queries between
# runs see exactly the facts before them; same output with 1 and 2 threads
N=30000
awk -v n=$N 'BEGIN {
  for (i = 0; i < n; i++) printf "(edge %d %d)\n", i, (i * 7 + 3) % 1000
  print "!(match &self (edge 5 $x) $x)"
  print "!(let $c (collapse (match &self (edge $a 38) $a)) (size-atom $c))"
  for (i = n; i < 2 * n; i++) printf "(edge %d %d)\n", i, (i * 7 + 3) % 1000
  print "!(let $c (collapse (match &self (edge $a 38) $a)) (size-atom $c))"
  print "!(match &self (edge 59999 $x) $x)"
}' >"$T/bulk.metta"
awk -v n=$N 'BEGIN {
  c1 = 0; c2 = 0
  for (i = 0; i < 2 * n; i++) if ((i * 7 + 3) % 1000 == 38) { if (i < n) c1++; c2++ }
  printf "[%d]\n[%d]\n[%d]\n[%d]\n", (5 * 7 + 3) % 1000, c1, c2, (59999 * 7 + 3) % 1000
}' >"$T/bulk.want"
"$CM" -t 1 "$T/bulk.metta" >"$T/bulk1" 2>&1
"$CM" -t 2 "$T/bulk.metta" >"$T/bulk2" 2>&1
if cmp -s "$T/bulk1" "$T/bulk.want"; then pass "bulk load, 1 thread"; else
  fail "bulk load, 1 thread"; diff "$T/bulk.want" "$T/bulk1" | head; fi
if cmp -s "$T/bulk2" "$T/bulk.want"; then pass "bulk load, 2 threads"; else
  fail "bulk load, 2 threads"; diff "$T/bulk.want" "$T/bulk2" | head; fi

# bulk-loaded runs may hold rules with a number head and declarations of
# expressions; both must be found afterwards
awk 'BEGIN { for (i = 0; i < 6000; i++) printf "(fact %d)\n", i
  print "(= (1 2) one-two)"; print "(: (A B) PairAB)"
  print "!(1 2)"; print "!(get-type (A B))" }' >"$T/odd.metta"
out=$("$CM" -t 2 "$T/odd.metta" | tr '\n' '|')
[ "$out" = "[one-two]|[PairAB]|" ] && pass "bulk load keeps odd rules and declarations" ||
  fail "bulk load keeps odd rules and declarations: got '$out'"

# ---- atoms nested far deeper than the C stack could recurse: read, stored
# in and read back from the space, printed, compared, unified, renamed and
# evaluated; every walk over atoms uses an explicit stack. The texts below
# are generated here, independently of cmetta.
DEPTH=$((100000 * ${KINDRED_TEST_SCALE:-1}))
nest() { # nest LEAF: (a (a ... (a LEAF)))
  awk -v d="$DEPTH" -v leaf="$1" 'BEGIN { for (i = 0; i < d; i++) printf "(a ";
    printf "%s", leaf; for (i = 0; i < d; i++) printf ")" }'
}
A=$(nest x)
{
  echo "(deep $A)"
  echo '!(match &self (deep $x) ok)'
  echo '!(match &self (deep $x) $x)'
  echo "!(== $A $A)"
  echo "!(let $(nest '$v') $A \$v)"
  echo "!(=alpha $(nest '$p') $(nest '$q'))"
  echo "!(=alpha $(nest '$p') $A)"
  echo "!(id $A)"
  echo "!(add-atom &self (copy $A))"
  echo "!(match &self (copy \$w) (== \$w $A))"
  echo "!(remove-atom &self (deep $A))"
  echo '!(match &self (deep $x) ok)'
} >"$T/deep.metta"
{ echo '[ok]'; echo "[$A]"; echo '[True]'; echo '[x]'; echo '[True]'; echo '[False]'
  echo "[$A]"; echo '[()]'; echo '[True]'; echo '[()]'; echo '[]'; } >"$T/deep.want"
timeout 120 "$CM" "$T/deep.metta" >"$T/deep.out" 2>"$T/deep.err"; rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$T/deep.out" "$T/deep.want"; then pass "atoms nested $DEPTH deep"
else fail "atoms nested $DEPTH deep (exit $rc): $(head -c 300 "$T/deep.err")"
  diff <(cut -c1-80 "$T/deep.want") <(cut -c1-80 "$T/deep.out") | head -n 6; fi

# the program that overflowed the C stack while printing: a state whose
# value holds the state itself
printf '%s\n' '!(let $s (new-state 1) (get-state (change-state! $s ((f $s) 1))))' \
  '!(let $s (new-state 1) (change-state! $s ($s $s)))' >"$T/selfstate.metta"
timeout 60 "$CM" "$T/selfstate.metta" >"$T/self.out" 2>"$T/self.err"; rc=$?
printf '%s\n' '[((f (State ((f (State ...)) 1))) 1)]' \
  '[(State ((State ...) (State ...)))]' >"$T/self.want"
if [ "$rc" -eq 0 ] && cmp -s "$T/self.out" "$T/self.want"; then pass "state holding itself prints"
else fail "state holding itself prints (exit $rc): $(cat "$T/self.out")"
  head -c 300 "$T/self.err"; fi

# ---- the REPL reads stdin line by line (no prompt when piped)
out=$(printf '(= (f) 5)\n!(f)\n!(+ 1\n 2)\n' | HOME="$T" "$CM" | tr '\n' '|')
[ "$out" = "[5]|[3]|" ] && pass "REPL on piped input" || fail "REPL on piped input: got '$out'"

finish
