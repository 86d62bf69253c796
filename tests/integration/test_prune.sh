# Acceptance for pmxsnap prune. A node with two years of hourly snapshots
# (17,599 archives with real minisign signatures, made by
# pmxsnap-signed-history, plus one real archive from pmxsnap snapshot as the
# newest) and two small other nodes. The kept set of --dry-run --json is
# compared, file by file and rule by rule, with an independent computation in
# Python of the restic meaning of the rules, under six policies; foreign,
# renamed, moved, altered, unsigned and tampered files are left in place and
# reported; bad input is a one-line exit 2; the config file's [prune] section
# gives defaults; dry runs change nothing; a real prune (on a two-week copy)
# removes exactly what its dry run listed and the kept real archive still
# verifies.
source "$TESTLIB"
need jq python3 minisign flock
: "${SIGNEDHISTORY:?}"
make_node --preset typical
make_key
pve1=$repo/demo/pve1
prune() { "$PMXSNAP" prune --repo "$repo" --pubkey "$pub" "$@"; }
now() { date +%s.%N; }
seconds_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

# The histories, as unix times: pve1 hourly for two years (2025-01-01 ..
# 2026-12-31, minutes and seconds jittered, a three-day outage, 150 extra
# snapshots inside hours), pve2 daily for 40 days, other/pve9 five of them;
# and the times of the files that must not count.
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

# The real archive first (it creates demo/pve1 and its lock), newest of all.
SOURCE_DATE_EPOCH=$(cat "$scratch/time.real") run 0 snap --json
real=$(jq -r .archive <<<"$out")
[ "$(dirname "$real")" = "$pve1" ] || fail "the fixture's snapshot went to $(dirname "$real"), not $pve1"
started=$(now)
"$SIGNEDHISTORY" "$key" "$pve1" <"$scratch/times.pve1"
"$SIGNEDHISTORY" "$key" "$repo/demo/pve2" <"$scratch/times.pve2"
"$SIGNEDHISTORY" "$key" "$repo/other/pve9" <"$scratch/times.pve9"
cat "$scratch/times.pve1" "$scratch/time.real" >"$scratch/policy.pve1"
history_seconds=$(seconds_since "$started")
count=$(find "$pve1" -name '*.pmxsnap' | wc -l)
[ "$count" -ge 17520 ] || fail "only $count archives in $pve1"
sample=$(find "$pve1" -name '*.pmxsnap' | sort | sed -n 1000p)
run 0 minisign -Vm "$sample" -p "$pub"
contains "$out" "Trusted comment: pmxsnap/1 cluster=demo node=pve1"
pass "$count signed archives in demo/pve1 in ${history_seconds} s; minisign -V accepts them"

# Files that must not count: signed by another key, a signature renamed
# with its archive, another node's archive, an altered trusted comment, no
# signature at all, an authentic index over altered bytes, and a temporary
# file being written.
stamp_of() { python3 -c "import sys,time; print(time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(int(sys.argv[1]))))" "$1"; }
"$PMXSNAP" keygen --out "$scratch/foreign/signing.key" >/dev/null
"$SIGNEDHISTORY" "$scratch/foreign/signing.key" "$scratch/foreign/demo/pve1" <"$scratch/time.foreign"
foreign=$(stamp_of "$(cat "$scratch/time.foreign")").pmxsnap
mv "$scratch/foreign/demo/pve1/$foreign" "$scratch/foreign/demo/pve1/$foreign.minisig" "$pve1/"
renamed=$(stamp_of "$(cat "$scratch/time.renamed")").pmxsnap
original=$(head -n 1 "$scratch/times.pve1")
original=$(stamp_of "$original").pmxsnap
cp "$pve1/$original" "$pve1/$renamed"
cp "$pve1/$original.minisig" "$pve1/$renamed.minisig"
moved=$(stamp_of "$(head -n 1 "$scratch/times.pve2")").pmxsnap
[ ! -e "$pve1/$moved" ] || fail "$moved is in both histories"
cp "$repo/demo/pve2/$moved" "$repo/demo/pve2/$moved.minisig" "$pve1/"
"$SIGNEDHISTORY" "$key" "$scratch/altered/demo/pve1" <"$scratch/time.altered"
altered=$(stamp_of "$(cat "$scratch/time.altered")").pmxsnap
sed -i 's/db_version=1 /db_version=7 /' "$scratch/altered/demo/pve1/$altered.minisig"
mv "$scratch/altered/demo/pve1/$altered" "$scratch/altered/demo/pve1/$altered.minisig" "$pve1/"
unsigned=$(stamp_of "$(cat "$scratch/time.unsigned")").pmxsnap
echo "no signature" >"$pve1/$unsigned"
tampered=$(stamp_of "$(sed -n 100p "$scratch/times.pve1")").pmxsnap
echo "altered after signing" >>"$pve1/$tampered"
touch "$pve1/.pmxsnap-tmp.20261231T235959Z.pmxsnap.x1y2z3"
listing() { (cd "$repo" && find . -printf '%p %s %T@ %m\n' | sort); }
listing >"$scratch/listing.before"

# 1. The acceptance policy, then others, against the independent computation.
acceptance=(--keep-last 24 --keep-hourly 48 --keep-daily 14 --keep-weekly 8 --keep-monthly 12)
started=$(now)
run 0 prune --dry-run --json "${acceptance[@]}"
dry_run_seconds=$(seconds_since "$started")
plan=$out
[ "$(jq -r '.schema, .dry_run' <<<"$plan" | tr '\n' ' ')" = "pmxsnap.prune/1 true " ] || fail "schema: $(jq -c 'del(.nodes)' <<<"$plan")"
diff <(kept_of pve1) <(expected "$scratch/policy.pve1" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve1 kept set differs from the reference (< pmxsnap, > reference): $(head -n 20 "$scratch/diff")"
diff <(kept_of pve2) <(expected "$scratch/times.pve2" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve2 kept set differs: $(cat "$scratch/diff")"
[ "$(jq -r '.nodes[] | select(.node == "pve1") | .kept[-1].file' <<<"$plan")" = "$(basename "$real")" ] ||
  fail "the newest (the real archive) is not the newest kept"
kept=$(kept_of pve1 | wc -l)
removed=$(jq '[.nodes[] | select(.node == "pve1") | .removed[]] | length' <<<"$plan")
[ $((kept + removed + 6)) -eq $((count + 5)) ] ||
  fail "pve1: $kept kept + $removed removed + 6 left is not every archive ($((count + 5)))"
[ "$(jq -r '[.nodes[] | "\(.cluster)/\(.node)"] | join(" ")' <<<"$plan")" = "demo/pve1 demo/pve2 other/pve9" ] ||
  fail "nodes: $(jq -c '[.nodes[] | .node]' <<<"$plan")"
diff <(kept_of pve9) <(expected "$scratch/times.pve9" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve9 kept set differs: $(cat "$scratch/diff")"
all_kept=$(jq '[.nodes[].kept[]] | length' <<<"$plan")
[ "$all_kept" -eq $((kept + $(kept_of pve2 | wc -l) + $(kept_of pve9 | wc -l))) ] || fail "kept lists"
[ "$(jq -c '.totals' <<<"$plan")" = "{\"kept\":$all_kept,\"left\":6,\"removed\":$((count + 5 + 45 - all_kept - 6))}" ] ||
  fail "totals: $(jq -c .totals <<<"$plan")"
pass "keep-last 24 hourly 48 daily 14 weekly 8 monthly 12 over $count snapshots: $kept kept exactly as the reference, with their rules; newest kept; --dry-run --json in ${dry_run_seconds} s"

for policy in "--keep-daily 7" "--keep-last 1" "--keep-weekly 5 --keep-monthly 3" \
  "--keep-hourly 100 --keep-monthly 24" "--keep-last 3 --keep-daily 30 --keep-weekly 52"; do
  # shellcheck disable=SC2086
  run 0 prune --dry-run --json $policy
  # shellcheck disable=SC2086
  diff <(kept_of pve1) <(expected "$scratch/policy.pve1" $policy) >"$scratch/diff" ||
    fail "$policy: pve1 kept set differs: $(head -n 20 "$scratch/diff")"
  [ "$(jq -r '.nodes[] | select(.node == "pve1") | .kept[-1].file' <<<"$out")" = "$(basename "$real")" ] ||
    fail "$policy: newest not kept"
  pass "$policy: kept set equals the reference ($(kept_of pve1 | wc -l) kept), newest kept"
done

# 2. Files that must not count are left, each with why; nothing else is.
left=$(jq -r '.nodes[] | select(.node == "pve1") | .left[] | "\(.file) \(.problem)"' <<<"$plan")
[ "$(wc -l <<<"$left")" -eq 6 ] || fail "left: $left"
contains "$left" "$foreign signed by key"
contains "$left" "which is not trusted"
contains "$left" "$renamed signed for file $original, but this file is $renamed (renamed or replaced)"
contains "$left" "$moved signed for demo/pve2, but it lies in demo/pve1 (moved)"
contains "$left" "$altered trusted comment signature does not match"
contains "$left" "$unsigned no signature beside it"
contains "$left" "$tampered signature does not match the file (altered or corrupt)"
run 0 prune --dry-run "${acceptance[@]}"
contains "$out" "leave   demo/pve1/$foreign  signed by key"
contains "$out" "keep    demo/pve1/$(basename "$real")  last-good,last,hourly,daily,weekly,monthly"
contains "$out" "remove  demo/pve1/$original"
contains "$out" "demo/pve1: $kept kept, $removed to remove (dry run: nothing removed), 6 left in place"
[ "$(grep -c '^keep \|^remove \|^leave ' <<<"$out")" -eq $((count + 5 + 40 + 5)) ] || fail "not one line per archive"
contains "$err" "6 archive(s) left in place"
case "$out" in *.pmxsnap-tmp.*) fail "a temporary file was listed" ;; esac
pass "foreign, renamed, moved, altered, unsigned and tampered archives left in place and named with why; text has one line per archive"

# 3. Filters, the config file, and bad input.
run 0 prune --dry-run --json --keep-last 1 --node pve2
[ "$(jq -r '[.nodes[].node] | join(" ")' <<<"$out")" = pve2 ] || fail "--node: $(jq -c '[.nodes[].node]' <<<"$out")"
run 0 prune --dry-run --json --keep-last 1 --cluster other
[ "$(jq -r '[.nodes[] | "\(.cluster)/\(.node)"] | join(" ")' <<<"$out")" = other/pve9 ] || fail "--cluster"
pass "--node and --cluster choose the node directories"

# The config file (on demo/pve2 alone: the mapping is under test, not the policy).
printf 'repo = %s\n[prune]\nkeep-daily = 7\n' "$repo" >"$scratch/pmxsnap.conf"
run 0 "$PMXSNAP" --config "$scratch/pmxsnap.conf" prune --pubkey "$pub" --node pve2 --dry-run --json
diff <(kept_of pve2) <(expected "$scratch/times.pve2" --keep-daily 7) >/dev/null ||
  fail "[prune] keep-daily=7 from --config was not applied: $(jq -c .policy <<<"$out")"
run 0 prune --config "$scratch/pmxsnap.conf" --node pve2 --dry-run --json
[ "$(jq -c .policy.keep_daily <<<"$out")" = 7 ] || fail "--config after the command"
run 0 prune --config "$scratch/pmxsnap.conf" --node pve2 --dry-run --json --keep-daily 0 --keep-last 2
[ "$(jq -c '[.policy.keep_daily, .policy.keep_last]' <<<"$out")" = "[0,2]" ] || fail "the command line should override the config file"
diff <(kept_of pve2) <(expected "$scratch/times.pve2" --keep-last 2) >/dev/null || fail "keep-last 2"
run 0 "$PMXSNAP" --config "$scratch/pmxsnap.conf" list --pubkey "$pub" --node pve2
pass "repo and [prune] keep-daily = 7 in a --config file are prune's defaults; the command line overrides them; other commands ignore [prune]"

run 2 prune
one_line "$err"
contains "$err" "no retention rule"
run 2 prune --keep-last 0 --keep-daily 0
one_line "$err"
contains "$err" "no retention rule"
printf '[prune]\nkeep-daily=0\n' >"$scratch/zero.conf"
run 2 prune --config "$scratch/zero.conf"
contains "$err" "no retention rule"
for value in -1 abc 1.5 ""; do
  run 2 prune --keep-daily "$value"
  one_line "$err"
  contains "$err" "keep-daily"
done
printf '[prune]\nkeep-daily=-3\n' >"$scratch/negative.conf"
run 2 prune --config "$scratch/negative.conf"
one_line "$err"
run 2 "$PMXSNAP" prune --repo "$scratch/no-repo" --pubkey "$pub" --keep-last 1
contains "$err" "repository not found"
if [ ! -e /etc/pmxsnap/trusted.d ]; then
  run 2 "$PMXSNAP" prune --repo "$repo" --key "$scratch/nokey/signing.key" --keep-last 1
  one_line "$err"
  contains "$err" "no trusted public key"
  contains "$err" "--pubkey"
fi
mkdir "$scratch/empty-repo"
run 0 "$PMXSNAP" prune --repo "$scratch/empty-repo" --pubkey "$pub" --keep-last 1
contains "$out" "nothing to prune"
run 0 "$PMXSNAP" prune --repo "$scratch/empty-repo" --pubkey "$pub" --keep-last 1 --json
[ "$(jq -c '[.nodes, .totals]' <<<"$out")" = '[[],{"kept":0,"left":0,"removed":0}]' ] || fail "empty json: $out"
run 0 prune --keep-last 1 --cluster nosuch
contains "$out" "nothing to prune"
pass "no rule, only zero rules, negative, non-numeric or empty counts, no repository, no trusted key: exit 2 in one line; an empty repository: exit 0, nothing to prune"

# 4. The node lock: a prune waits for it and gives up; a dry run needs none.
exec {lock}<"$pve1/.lock"
flock "$lock"
run 2 prune --keep-last 1 --node pve1 --lock-wait 1
contains "$err" "still locked"
run 0 prune --keep-last 1 --node pve1 --dry-run
exec {lock}>&-
pass "a prune waits --lock-wait for the node lock and then gives up; a dry run does not take it"

listing >"$scratch/listing.after-dry-runs"
diff "$scratch/listing.before" "$scratch/listing.after-dry-runs" >"$scratch/diff" ||
  fail "dry runs (or refused runs) changed the repository: $(head "$scratch/diff")"
pass "every dry run and refused run above left the repository as it was (names, sizes, mtimes, modes)"

# 5. A real prune, on a copy of the last two weeks of demo/pve1 with the
# same untrusted files (unlinking 35,000 files would time the disk, not
# pmxsnap), and demo/pve2: it removes exactly what its dry run listed.
big=$repo
repo=$scratch/small-repo
pve1=$repo/demo/pve1
mkdir -p "$pve1"
cp -p "$real" "$real.minisig" "$pve1/"
real=$pve1/$(basename "$real")
tail -n 336 "$scratch/times.pve1" >"$scratch/times.small"
"$SIGNEDHISTORY" "$key" "$pve1" <"$scratch/times.small"
"$SIGNEDHISTORY" "$key" "$repo/demo/pve2" <"$scratch/times.pve2"
cat "$scratch/times.small" "$scratch/time.real" >"$scratch/policy.small"
for file in "$foreign" "$renamed" "$altered"; do
  cp -p "$big/demo/pve1/$file" "$big/demo/pve1/$file.minisig" "$pve1/"
done
cp -p "$big/demo/pve1/$unsigned" "$big/demo/pve1/.pmxsnap-tmp.20261231T235959Z.pmxsnap.x1y2z3" "$pve1/"
tampered=$(stamp_of "$(sed -n 10p "$scratch/times.small")").pmxsnap
echo "altered after signing" >>"$pve1/$tampered"
listing >"$scratch/listing.before"
run 0 prune --dry-run --json "${acceptance[@]}"
plan=$out
diff <(kept_of pve1) <(expected "$scratch/policy.small" "${acceptance[@]}") >"$scratch/diff" ||
  fail "two weeks: kept set differs: $(head -n 20 "$scratch/diff")"
kept=$(kept_of pve1 | wc -l)
[ "$(jq -c .totals.left <<<"$plan")" = 5 ] || fail "two weeks: left $(jq -c .totals <<<"$plan")"
started=$(now)
run 0 prune --json "${acceptance[@]}"
prune_seconds=$(seconds_since "$started")
[ "$(jq -r .dry_run <<<"$out")" = false ] || fail "dry_run should be false"
diff <(jq -S 'del(.dry_run)' <<<"$plan") <(jq -S 'del(.dry_run)' <<<"$out") >"$scratch/diff" ||
  fail "the real prune did not do what the dry run said: $(head -n 20 "$scratch/diff")"
jq -r '.nodes[] | "./\(.cluster)/\(.node)/" as $dir | .removed[] | ($dir + .file), ($dir + .file + ".minisig")' <<<"$plan" |
  sort >"$scratch/removed.expected"
listing | cut -d' ' -f1 | sort >"$scratch/names.after"
cut -d' ' -f1 "$scratch/listing.before" | sort | comm -23 - "$scratch/names.after" >"$scratch/removed.actual"
diff "$scratch/removed.expected" "$scratch/removed.actual" >"$scratch/diff" ||
  fail "removed files differ from the listed ones: $(head -n 20 "$scratch/diff")"
comm -13 <(cut -d' ' -f1 "$scratch/listing.before" | sort) "$scratch/names.after" | grep -qv '^\./demo/pve[12]/\.lock$' &&
  fail "the prune created files: $(comm -13 <(cut -d' ' -f1 "$scratch/listing.before" | sort) "$scratch/names.after")"
for file in "$foreign" "$renamed" "$altered" "$unsigned" "$tampered" .pmxsnap-tmp.20261231T235959Z.pmxsnap.x1y2z3; do
  [ -e "$pve1/$file" ] || fail "$file should have been left in place"
done
pass "a real prune removed exactly the $(wc -l <"$scratch/removed.actual") listed files (archives and signatures) in ${prune_seconds} s and left the untrusted ones"

run 0 "$PMXSNAP" verify --pubkey "$pub" "$real"
kept_sample=$(jq -r '.nodes[] | select(.node == "pve1") | .kept[0].archive' <<<"$plan")
run 0 minisign -Vm "$kept_sample" -p "$pub"
run 0 prune --json "${acceptance[@]}"
[ "$(jq -c .totals.removed <<<"$out")" = 0 ] || fail "a second prune removed more: $(jq -c .totals <<<"$out")"
# list exits 1: the foreign, renamed, altered and unsigned files left in
# place fail its authentication (the tampered one's index is authentic).
run 1 "$PMXSNAP" list --repo "$repo" --pubkey "$pub" --node pve1 --json
[ "$(jq '.snapshots | length' <<<"$out")" -eq $((kept + 5)) ] || fail "list after prune: $(jq '.snapshots | length' <<<"$out")"
[ "$(jq '.failed' <<<"$out")" -eq 4 ] || fail "list after prune: $(jq -c '[.snapshots[] | select(.signature != "ok")]' <<<"$out")"
pass "the kept real archive still verifies, kept signatures still verify with minisign; a second prune removes nothing"

# A crash between the archive's and the signature's removal leaves a
# signature without archive; the next snapshot cleans it up.
orphan=$(jq -r '.nodes[] | select(.node == "pve1") | .removed[0].file' <<<"$plan")
cp "$kept_sample.minisig" "$pve1/$orphan.minisig"
run 0 snap
[ ! -e "$pve1/$orphan.minisig" ] || fail "the next snapshot left the orphan signature"
pass "a signature left by an interrupted prune is removed by the next snapshot"
