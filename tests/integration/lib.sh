# Sourced by every integration test: a private scratch directory (kept when
# the test fails), and small assertions that say what went wrong.
set -euo pipefail
: "${PMXSNAP:?}" "${MKFIXTURE:?}"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pmxsnap-it.XXXXXX")
skipped_parts=0
# on_exit [STATUS]: a test's own EXIT trap that cleans up first passes the
# status it saw ($? before its cleanup), so a failure keeps the scratch.
on_exit() {
  local status=${1:-$?}
  [ $status -ne 0 ] || [ "$skipped_parts" -eq 0 ] || status=77
  if [ $status -eq 0 ] || [ $status -eq 77 ]; then rm -rf "$scratch"; else echo "scratch kept: $scratch" >&2; fi
  exit $status
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
# one_line TEXT: TEXT is exactly one non-empty line (an error that printed
# nothing is not "one line").
one_line() {
  [ -n "$1" ] || fail "expected one line, got nothing"
  [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "expected one line, got: $1"
}

# A test that cannot run here exits 77, which ctest reports as skipped,
# never as passed. Under CI=true a skip fails: CI runs scripts/test as root
# with every package it installs, so whatever a test needs is there.
skip() {
  [ "${CI:-}" != true ] || fail "skipped under CI=true, where it must run: $*"
  echo "SKIP: $*"
  exit 77
}
# skip_part WHY: as skip, for one part of a test; the rest still runs, and
# the test then reports itself skipped.
skip_part() {
  [ "${CI:-}" != true ] || fail "a part skipped under CI=true, where it must run: $*"
  echo "SKIP: $*"
  skipped_parts=$((skipped_parts + 1))
}

# process_state PID: the state letter of /proc/PID/stat (empty once gone).
process_state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }

# wait_stopped PID WHAT [ERRFILE]: until PID has stopped itself (SIGSTOP at
# a PMXSNAP_TEST_STOP_AT point); fails, quoting ERRFILE, if it ends first,
# or after 120 s.
wait_stopped() {
  local pid=$1 what=$2 errfile=${3:-/dev/null} i
  for i in $(seq 1 2400); do
    case "$(process_state "$pid")" in
      T) return 0 ;;
      '' | Z) wait "$pid" || true; fail "$what: the run ended before reaching the point: $(cat "$errfile")" ;;
    esac
    sleep 0.05
  done
  fail "$what: not stopped after 120 s"
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
  done
}

# A node root, a key pair and a repository in the scratch directory.
make_node() { "$MKFIXTURE" --root "$scratch/root" "$@" >/dev/null; }
key=$scratch/keys/signing.key
pub=$scratch/keys/signing.pub
repo=$scratch/repo
make_key() { "$PMXSNAP" keygen --out "$key" >/dev/null; }
snap() { "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$key" "$@"; }
# hold_lock FILE SECONDS: holds FILE's flock in the background for SECONDS
# and returns once it is held — the holder says so on a pipe, so nothing
# guesses with a sleep. $holder is its pid (wait for it).
hold_lock() {
  local line
  exec {holder_fd}< <(exec flock "$1" sh -c 'echo held; exec sleep "$0"' "$2")
  holder=$!
  read -r -t 30 -u "$holder_fd" line && [ "$line" = held ] || fail "could not take the lock $1 within 30 s"
}
# release_lock: ends hold_lock's holder (flock and the sleep it started, by
# their pids) and waits for it: a test holds the lock for as long as its
# waiters need, however slow a loaded machine makes them, then lets go.
release_lock() {
  local child
  for child in $(ps -o pid= --ppid "$holder"); do kill "$child" 2>/dev/null || true; done
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
}
# wait_for SECONDS DESCRIPTION CMD...: polls CMD until it succeeds; fails
# naming DESCRIPTION after SECONDS. For a state another process reaches.
wait_for() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within $limit s"
    sleep 0.02
  done
}
archives() { find "$repo" \( -name '*.pmxsnap' -o -name '*.pmxsnap.age' \) 2>/dev/null | sort; }

# accept_printed_commands FILE ROOT REPO: every `pmxsnap ...` line of FILE
# (what doctor and restore plan printed) is accepted by pmxsnap, run against
# ROOT and REPO with $pub, --offline, placeholders filled, apply as a dry
# run. Accepted: exit 0 or 1; exit 2 only with one of the situational
# refusals below — the state of the machine (/etc/pve not mounted, a file
# changed since it was reviewed, a precondition of apply), which a printed
# command may meet later. Any other exit 2 (usage, parse, unknown option,
# selector, unknown archive, internal error) is the command's own fault.
# Sets $checked to the number of distinct lines, $situational to those
# accepted with an exit 2 (each named on stdout).
situational_refusal() {
  [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || return 1
  case "$1" in
    "pmxsnap: "*": not mounted (pmxcfs is not running)"* | "pmxsnap: "*": mounted read-only" | \
    "pmxsnap: "*" mount, not pmxcfs (FUSE)" | "pmxsnap: "*": changed since it was reviewed "* | \
    "pmxsnap: "*": not empty (extract refuses to mix with existing files"* | \
    "pmxsnap: "*": is a symbolic link; restore file replaces"* | \
    "pmxsnap: refusing: "*"; see \`pmxsnap restore plan\`)" | "pmxsnap: "*": refusing: "*"; --force if that is meant")
      return 0;;
  esac
  return 1
}
accept_printed_commands() {
  local file=$1 root=$2 repository=$3 line command status why
  local -a extra
  checked=0 situational=0
  while IFS= read -r line; do
    command=${line%% && *}
    command=${command//<sha256 of the live file>/0000000000000000000000000000000000000000000000000000000000000000}
    command=${command//\/etc\/pve\/<path>//etc/pve/storage.cfg}
    command=${command//<vmid>/100}
    eval "set -- ${command#pmxsnap }"
    extra=(--root "$root" --pubkey "$pub" --offline)
    case "$1 ${2:-}" in
      "restore apply") case " $* " in *" --dry-run "*) ;; *) extra+=(--dry-run);; esac;;
    esac
    case "$1" in restore | diff | verify | ls | cat | inspect | list | doctor) extra+=(--repo "$repository");; esac
    set +e
    "$PMXSNAP" "$@" "${extra[@]}" >"$scratch/cmd.out" 2>"$scratch/cmd.err"
    status=$?
    set -e
    why=$(cat "$scratch/cmd.err")
    case "$status" in
      0 | 1) ;;
      2) situational_refusal "$why" || fail "pmxsnap rejects a command it printed (exit 2, not a refusal of the situation): $line
$why"
         situational=$((situational + 1))
         echo "note: exit 2, a refusal of the situation: $line: $why";;
      *) fail "exit $status from a command pmxsnap printed: $line
$why";;
    esac
    checked=$((checked + 1))
  done < <(sort -u "$file")
}
