# Sourced by the end-to-end scripts (not a test itself, hence not *.sh):
# where the build and the golden data are, a scratch directory removed on
# exit, and the "PASS: what" / "FAIL: what" lines scripts/run-tests.sh
# counts. A script ends with `finish`, which fails if any check failed.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${KINDRED_BUILD:-$ROOT/build/release}
case $B in /*) ;; *) B=$PWD/$B ;; esac
S=${KINDRED_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
G=$S/golden/agc
CAGC=$B/cagc
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
finish() { [ "$fails" -eq 0 ]; }
