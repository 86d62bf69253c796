# A real pmxsnap prune removes exactly what its dry run listed. On the last
# two weeks of demo/pve1's hourly history (unlinking 35,000 files would time
# the disk, not pmxsnap) with the real archive as the newest, the files that
# must not count, and demo/pve2's 40 daily: the kept set is the reference's,
# the removed files (archives and signatures) are the listed ones and no
# others, the untrusted ones stay, the kept real archive and the kept
# signatures still verify, a second prune removes nothing, list sees the
# rest; a signature left by an interrupted prune goes with the next snapshot.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/prune_history.sh"

real_snapshot
tail -n 336 "$scratch/times.pve1" >"$scratch/times.small"
"$SIGNEDHISTORY" "$key" "$pve1" <"$scratch/times.small"
"$SIGNEDHISTORY" "$key" "$repo/demo/pve2" <"$scratch/times.pve2"
cat "$scratch/times.small" "$scratch/time.real" >"$scratch/policy.small"
plant_untrusted "$scratch/times.small" 10
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
for file in "$foreign" "$renamed" "$altered" "$unsigned" "$tampered" "$tmpfile"; do
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
