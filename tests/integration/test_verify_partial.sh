# verify never says ok for what it did not check. An encrypted archive
# verified without --identity lists its skipped levels and is `partial`
# (exit 1); with --signature-only it is ok (exit 0) and says that only the
# signature and the signed index were checked; skipped levels are always
# listed, in text and JSON. `verify --all` over a one-archive repository
# reports that archive; an empty repository is "no snapshots in DIR" (exit 2);
# `verify DIR` says DIR is a directory and what to give instead.
source "$TESTLIB"
need jq age-keygen
make_node --preset typical
make_key
age-keygen -o "$scratch/age.key" 2>/dev/null
recipient=$(age-keygen -y "$scratch/age.key")
run 0 snap --recipient "$recipient"
encrypted=$(archives | tail -1)
verify() { "$PMXSNAP" verify --pubkey "$pub" "$@"; }

run 1 verify "$encrypted"
contains "$out" "$encrypted: PARTIAL (not checked: content, restorable)"
contains "$out" "signature  ok"
contains "$out" "content    skipped encrypted with age: give --identity FILE"
contains "$out" "restorable skipped"
run 1 verify "$encrypted" --json
[ "$(jq -r '.ok, .archives[0].result, (.archives[0].skipped | join(","))' <<<"$out" | tr '\n' ' ')" = "false partial content,restorable " ] ||
  fail "partial in JSON: $out"
[ "$(jq -r '[.archives[0].levels[].status] | join(",")' <<<"$out")" = "ok,skipped,skipped" ] || fail "levels: $out"
pass "an encrypted archive without --identity: partial, exit 1, skipped levels named in text and JSON"

run 0 verify "$encrypted" --signature-only
contains "$out" "$encrypted: ok (signature and signed index only)"
contains "$out" "content    skipped"
run 0 verify "$encrypted" --signature-only --json
[ "$(jq -r '.ok, .archives[0].result, (.archives[0].skipped | join(","))' <<<"$out" | tr '\n' ' ')" = "true ok content,restorable " ] ||
  fail "--signature-only in JSON: $out"
run 0 verify "$encrypted" --identity "$scratch/age.key" --json
[ "$(jq -r '.archives[0].result, (.archives[0].skipped | length)' <<<"$out" | tr '\n' ' ')" = "ok 0 " ] ||
  fail "with the identity: $out"
pass "--signature-only: exit 0, says only the signature and index were checked; with --identity: all three levels, ok"

# A failed signature still lists every level it did not reach.
"$PMXSNAP" keygen --out "$scratch/other/signing.key" >/dev/null
run 1 "$PMXSNAP" verify --pubkey "$scratch/other/signing.pub" "$encrypted" --json
[ "$(jq -r '.archives[0].result, ([.archives[0].levels[] | "\(.level)=\(.status)"] | join(","))' <<<"$out" | tr '\n' ' ')" = \
  "failed signature=failed,content=skipped,restorable=skipped " ] || fail "a failed signature: $out"
pass "a signature by another key: failed, and the levels it did not reach listed as skipped"

# --all over a repository with one archive reports it; the plain one is ok.
run 0 verify --all --repo "$repo" --identity "$scratch/age.key"
contains "$out" "1 archive verified: 1 ok, 0 partial, 0 failed"
run 1 verify --all --repo "$repo"
contains "$out" "PARTIAL (not checked: content, restorable)"
contains "$out" "1 archive verified: 0 ok, 1 partial, 0 failed"
run 0 verify --latest --repo "$repo" --signature-only
contains "$out" "1 archive verified: 1 ok (signature only), 0 partial, 0 failed"
mkdir "$scratch/empty-repo"
run 2 verify --all --repo "$scratch/empty-repo"
one_line "$err"; contains "$err" "no snapshots in $scratch/empty-repo"
pass "--all over one archive reports it; --latest --signature-only says so; an empty repository: exit 2, one line"

run 2 verify "$repo"
one_line "$err"; contains "$err" "$repo: is a directory"; contains "$err" "--all --repo $repo"
pass "verify DIR: exit 2, says it is a directory and to use --all --repo"
