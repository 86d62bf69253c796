# Sourced by every integration test: a private scratch directory (kept when
# the test fails), and small assertions that say what went wrong.
set -euo pipefail
: "${PMXSNAP:?}" "${MKFIXTURE:?}"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pmxsnap-it.XXXXXX")
on_exit() {
  local status=$?
  if [ $status -eq 0 ]; then rm -rf "$scratch"; else echo "scratch kept: $scratch" >&2; fi
}
trap on_exit EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# run EXPECTED_EXIT CMD...: runs CMD, keeps stdout/stderr in $out/$err.
run() {
  local want=$1; shift
  set +e
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local got=$?
  set -e
  out=$(cat "$scratch/stdout"); err=$(cat "$scratch/stderr")
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $*
stdout: $out
stderr: $err"
}
contains() { case "$1" in *"$2"*) ;; *) fail "expected to find '$2' in: $1";; esac; }
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "expected one line, got: $1"; }

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 0; }
  done
}

# A node root, a key pair and a repository in the scratch directory.
make_node() { "$MKFIXTURE" --root "$scratch/root" "$@" >/dev/null; }
key=$scratch/keys/signing.key
pub=$scratch/keys/signing.pub
repo=$scratch/repo
make_key() { "$PMXSNAP" keygen --out "$key" >/dev/null; }
snap() { "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$key" "$@"; }
archives() { find "$repo" \( -name '*.pmxsnap' -o -name '*.pmxsnap.age' \) 2>/dev/null | sort; }
