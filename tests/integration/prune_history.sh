# What the test_prune_* scripts share: a node root and a key, the histories
# as unix times, the restic meaning of the rules computed in Python (the
# reference prune's kept set is compared with), the acceptance policy, and
# the files that must not count. Each script builds only the repository it
# needs: the two-year signed history of demo/pve1 (17,599 archives, ~40 s)
# is made by test_prune_policy alone. Sourced after lib.sh.
need jq python3 minisign flock
: "${SIGNEDHISTORY:?}"
make_node --preset typical
make_key
pve1=$repo/demo/pve1
prune() { "$PMXSNAP" prune --repo "$repo" --pubkey "$pub" "$@"; }
now() { date +%s.%N; }
seconds_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
acceptance=(--keep-last 24 --keep-hourly 48 --keep-daily 14 --keep-weekly 8 --keep-monthly 12)

# The histories, as unix times: pve1 hourly for two years (2025-01-01 ..
# 2026-12-31, minutes and seconds jittered, a three-day outage, 150 extra
# snapshots inside hours), pve2 daily for 40 days, other/pve9 five of them;
# and the times of the files that must not count. Writing the times is
# cheap; only test_prune_policy signs all of pve1's.
python3 - "$scratch" <<'PY'
import random, sys
out = sys.argv[1]
rng = random.Random(20261125)
start = 1735689600  # 2025-01-01T00:00:00Z
outage = range(5000, 5072)
pve1 = {start + h * 3600 + rng.randrange(3600) for h in range(2 * 365 * 24) if h not in outage}
while len(pve1) < 17520 - len(outage) + 150:
    pve1.add(start + rng.randrange(2 * 365 * 24 * 3600))
special = {}
for name in ("foreign", "renamed", "altered", "unsigned"):
    while True:
        t = start + rng.randrange(30 * 24 * 3600)
        if t not in pve1 and t not in special.values():
            special[name] = t
            break
def write(name, times):
    with open(f"{out}/{name}", "w") as f:
        f.write("".join(f"{t}\n" for t in sorted(times)))
write("times.pve1", pve1)
write("times.pve2", [start + 600 * 86400 + d * 86400 + 7 for d in range(40)])
write("times.pve9", [start + d * 3600 for d in range(5)])
for name, t in special.items():
    write(f"time.{name}", [t])
write("time.real", [max(pve1) + 1800])
PY

# The restic meaning, written from its documentation rather than from
# retention.cpp: for each rule, the snapshots grouped by period (UTC hour,
# day, ISO week from Python's isocalendar, month; keep-last: each its own),
# the N periods with the newest snapshots, the newest of each kept; a
# snapshot kept by any rule is kept, with every rule that kept it.
cat >"$scratch/expected.py" <<'PY'
import argparse, datetime
parser = argparse.ArgumentParser()
parser.add_argument("times")
parser.add_argument("--good", type=int, action="append", default=[])  # times whose state is good
for rule in ("last", "hourly", "daily", "weekly", "monthly"):
    parser.add_argument(f"--keep-{rule}", type=int, default=0)
args = parser.parse_args()
times = [int(line) for line in open(args.times)]
def utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
periods = {
    "last": lambda t: t,
    "hourly": lambda t: utc(t).strftime("%Y-%m-%d %H"),
    "daily": lambda t: utc(t).strftime("%Y-%m-%d"),
    "weekly": lambda t: utc(t).isocalendar()[:2],
    "monthly": lambda t: utc(t).strftime("%Y-%m"),
}
kept = {}
# last-good first: the newest good snapshot is kept whatever the counts.
if args.good:
    kept.setdefault(max(args.good), []).append("last-good")
for rule, period in periods.items():
    newest = {}
    for t in times:
        p = period(t)
        newest[p] = max(newest.get(p, t), t)
    for t in sorted(newest.values(), reverse=True)[: getattr(args, f"keep_{rule}")]:
        kept.setdefault(t, []).append(rule)
for t in sorted(kept):
    print(utc(t).strftime("%Y%m%dT%H%M%SZ") + ".pmxsnap", ",".join(kept[t]))
PY
expected() { # TIMESFILE OPTIONS...: "file rules" lines, oldest first
  local times=$1; shift
  # Of pve1's snapshots only the real one records its health (good); the
  # signed history is as pmxsnap wrote it before health (unknown).
  local good=()
  ! grep -qx "$(cat "$scratch/time.real")" "$times" || good=(--good "$(cat "$scratch/time.real")")
  python3 "$scratch/expected.py" "$times" "${good[@]}" "$@"
}
kept_of() { # NODE: "file rules" lines of the last prune --json in $out
  jq -r --arg node "$1" '.nodes[] | select(.node == $node) | .kept[] | "\(.file) \(.reasons | join(","))"' <<<"$out"
}
stamp_of() { python3 -c "import sys,time; print(time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(int(sys.argv[1]))))" "$1"; }
# listing: every name of the repository with its size, mtime and mode, to
# show that dry runs and refused runs change nothing.
listing() { (cd "$repo" && find . -printf '%p %s %T@ %m\n' | sort); }
# listing_unchanged: the repository is as the last `listing >"$scratch/listing.before"` saw it.
listing_unchanged() {
  listing >"$scratch/listing.after-dry-runs"
  diff "$scratch/listing.before" "$scratch/listing.after-dry-runs" >"$scratch/diff" ||
    fail "dry runs (or refused runs) changed the repository: $(head "$scratch/diff")"
  pass "every dry run and refused run above left the repository as it was (names, sizes, mtimes, modes)"
}

# real_snapshot: the real archive first (it creates demo/pve1 and its lock),
# newest of all; $real is its path.
real_snapshot() {
  SOURCE_DATE_EPOCH=$(cat "$scratch/time.real") run 0 snap --json
  real=$(jq -r .archive <<<"$out")
  [ "$(dirname "$real")" = "$pve1" ] || fail "the fixture's snapshot went to $(dirname "$real"), not $pve1"
}
# small_nodes: demo/pve2's 40 daily and other/pve9's five, signed.
small_nodes() {
  "$SIGNEDHISTORY" "$key" "$repo/demo/pve2" <"$scratch/times.pve2"
  "$SIGNEDHISTORY" "$key" "$repo/other/pve9" <"$scratch/times.pve9"
}

# plant_untrusted TIMESFILE LINE: into demo/pve1, whose signed history is
# TIMESFILE, the files that must not count: signed by another key, a
# signature renamed with its archive (a copy of the oldest), an altered
# trusted comment, no signature at all, an authentic index over altered
# bytes (the archive at LINE of TIMESFILE), and a temporary file being
# written. Sets $foreign, $original, $renamed, $altered, $unsigned,
# $tampered (file names) and $tmpfile.
plant_untrusted() {
  local times=$1 line=$2
  "$PMXSNAP" keygen --out "$scratch/foreign/signing.key" >/dev/null
  "$SIGNEDHISTORY" "$scratch/foreign/signing.key" "$scratch/foreign/demo/pve1" <"$scratch/time.foreign"
  foreign=$(stamp_of "$(cat "$scratch/time.foreign")").pmxsnap
  mv "$scratch/foreign/demo/pve1/$foreign" "$scratch/foreign/demo/pve1/$foreign.minisig" "$pve1/"
  renamed=$(stamp_of "$(cat "$scratch/time.renamed")").pmxsnap
  original=$(stamp_of "$(head -n 1 "$times")").pmxsnap
  cp "$pve1/$original" "$pve1/$renamed"
  cp "$pve1/$original.minisig" "$pve1/$renamed.minisig"
  "$SIGNEDHISTORY" "$key" "$scratch/altered/demo/pve1" <"$scratch/time.altered"
  altered=$(stamp_of "$(cat "$scratch/time.altered")").pmxsnap
  sed -i 's/db_version=1 /db_version=7 /' "$scratch/altered/demo/pve1/$altered.minisig"
  mv "$scratch/altered/demo/pve1/$altered" "$scratch/altered/demo/pve1/$altered.minisig" "$pve1/"
  unsigned=$(stamp_of "$(cat "$scratch/time.unsigned")").pmxsnap
  echo "no signature" >"$pve1/$unsigned"
  tampered=$(stamp_of "$(sed -n "${line}p" "$times")").pmxsnap
  echo "altered after signing" >>"$pve1/$tampered"
  tmpfile=.pmxsnap-tmp.20261231T235959Z.pmxsnap.x1y2z3
  touch "$pve1/$tmpfile"
}
