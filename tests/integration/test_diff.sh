# pmxsnap diff on fixture clusters: identical sources say one line; a known
# set of changes (a guest config, a removed storage, a truncated
# corosync.conf, a node dropped from the nodelist, a changed token secret, a
# password inside storage.cfg) is reported exactly, truncation on top,
# secrets never shown; cross-node compares only cluster-wide paths; bad
# sources are one-line errors; on 10,000 guests a 10-file change reads 10
# files per side.
source "$TESTLIB"
need jq sqlite3 python3
make_node --preset typical
make_key
run 0 snap
db=$scratch/root/var/lib/pve-cluster/config.db
diff_() { "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }

run 0 diff_ latest live
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "identical: more than one line: $out"
contains "$out" "identical: latest and live"
run 0 diff_ "$(archives | head -1)" latest --json
[ "$(jq -r .identical <<<"$out")" = true ] && [ "$(jq '.changes | length' <<<"$out")" = 0 ] || fail "identical json: $out"
pass "identical sources: exit 0, one summary line; --json identical with no changes"

# The second archive keeps in memory only what differs from the first; what
# it lists identically is still compared and still found.
archive_json=$out
run 0 diff_ latest live --json
[ "$(jq .stats.paths_compared <<<"$archive_json")" = "$(jq .stats.paths_compared <<<"$out")" ] &&
  [ "$(jq .stats.paths_compared <<<"$out")" -gt 10 ] ||
  fail "paths compared: archive $(jq .stats.paths_compared <<<"$archive_json"), live $(jq .stats.paths_compared <<<"$out")"
[ "$(jq -r '[.corosync.copies[] | select(.side == "b") | .file] | join(" ")' <<<"$archive_json")" = "/etc/corosync/corosync.conf /etc/pve/corosync.conf" ] ||
  fail "copies of the second archive: $(jq -c .corosync.copies <<<"$archive_json")"
pass "a second archive read against the first: every path compared ($(jq .stats.paths_compared <<<"$out")), its corosync.conf copies found"
live_json=$out
run 0 diff_ live latest --json
[ "$(jq -r .identical <<<"$out")" = true ] &&
  [ "$(jq .stats.paths_compared <<<"$out")" = "$(jq .stats.paths_compared <<<"$live_json")" ] &&
  [ "$(jq '[.corosync.copies[] | select(.side == "b")] | length' <<<"$out")" = 2 ] ||
  fail "an archive read against the live side: $(jq -c '{identical, stats}' <<<"$out")"
pass "an archive read against the live side: identical, every path compared"

# The known changes, made the way a broken day makes them (the db edited in place).
python3 - "$db" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def edit(name, change):
    inode, data = db.execute("select inode, data from tree where name = ? order by inode limit 1", (name,)).fetchone()
    text = data.decode() if isinstance(data, bytes) else data
    db.execute("update tree set data = ?, version = version + 1000 where inode = ?", (change(text), inode))
edit("storage.cfg", lambda t: re.sub(r"rbd: store1\n(\t.*\n)*\n?", "", t)
     .replace("\tserver 198.18.1.1\n", "\tserver 198.18.1.1\n\tpassword PMXSNAP-SECRET-in-storage-cfg\n"))
edit("100.conf", lambda t: t.replace("memory: ", "memory: 9", 1))
edit("token.cfg", lambda t: "root@pam!automation PMXSNAP-SECRET-token-rotated\n")
edit("corosync.conf", lambda t: re.sub(r"  node \{\n    name: pve3\n(    .*\n)*  \}\n", "", t))
db.commit()
PY
conf=$scratch/root/etc/corosync/corosync.conf
cp "$conf" "$scratch/corosync.conf.good"
head -c 300 "$scratch/corosync.conf.good" >"$conf"
run 1 snap
contains "$out" ", bad)"

run 1 diff_ latest~1 latest --json
json=$out
expected="/etc/corosync/corosync.conf /etc/pve/corosync.conf /etc/pve/nodes/pve1/qemu-server/100.conf /etc/pve/priv/token.cfg /etc/pve/storage.cfg"
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$json")" = "$expected" ] || fail "changed paths: $(jq -c '[.changes[].path]' <<<"$json")"
[ "$(jq -r '.truncated | join(" ")' <<<"$json")" = /etc/corosync/corosync.conf ] || fail "truncated: $(jq -c .truncated <<<"$json")"
[ "$(jq -r '.changes[] | select(.secret) | .path' <<<"$json")" = /etc/pve/priv/token.cfg ] || fail "secret flag"
[ "$(jq -r '.changes[] | select(.path == "/etc/pve/corosync.conf") | .corosync.nodes[] | "\(.change) \(.nodeid)"' <<<"$json")" = "removed 3" ] ||
  fail "corosync semantic: $(jq -c '.changes[] | select(.path == "/etc/pve/corosync.conf") | .corosync' <<<"$json")"
[ "$(jq -r '.changes[] | select(.path == "/etc/pve/storage.cfg") | .sections[] | select(.key == null) | "\(.section) \(.after)"' <<<"$json")" = "rbd: store1 null" ] ||
  fail "storage sections: $(jq -c '.changes[] | select(.path == "/etc/pve/storage.cfg") | .sections' <<<"$json")"
[ "$(jq -r '.changes[] | select(.path == "/etc/pve/nodes/pve1/qemu-server/100.conf") | [.sections[] | select(.section == "" and .key == "memory")] | length' <<<"$json")" = 1 ] ||
  fail "guest sections: $(jq -c '.changes[] | select(.path | endswith("100.conf")) | .sections' <<<"$json")"
pass "known changes: exactly those five paths, truncation flagged, node 3 removed, storage section removed, guest key changed"

run 1 diff_ latest~1 latest
text=$out
# latest is the damaged state, marked bad: said first, before the sides.
[ "$(sed -n 1p <<<"$text")" = "latest is marked bad (/etc/corosync/corosync.conf: 2 more '{' than '}')" ] ||
  fail "the bad side is not said first: $text"
text=$(sed 1d <<<"$text")
[ "$(sed -n 3p <<<"$text" | cut -c1-9)" = TRUNCATED ] || fail "TRUNCATED should come right after the two side lines: $text"
contains "$text" "secret: content not shown"
contains "$text" "password: <secret masked>"
for output in "$text" "$json"; do
  ! grep -q PMXSNAP-SECRET <<<"$output" || fail "a secret value shows: $(grep PMXSNAP-SECRET <<<"$output" | head -3)"
done
run 1 diff_ latest~1 latest --show-secrets
contains "$out" "PMXSNAP-SECRET-token-rotated"
contains "$out" "PMXSNAP-SECRET-in-storage-cfg"
pass "secrets: masked in text and JSON (whole files and values in configs); --show-secrets shows them"

run 1 diff_ latest~1 latest --stat
[ "$(grep -c -E '^(modified|added|removed|metadata) ' <<<"$out")" = 5 ] || fail "--stat: $out"
run 1 diff_ latest~1 latest --path '/etc/pve/*/qemu-server/*' --json
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$out")" = /etc/pve/nodes/pve1/qemu-server/100.conf ] || fail "--path: $out"
run 1 diff_ latest~1 latest --path 'pve/storage.cfg' --json
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$out")" = /etc/pve/storage.cfg ] || fail "--path by member name: $out"
run 0 diff_ latest~1 latest --path '/etc/pve/nodes/*/lxc/*'
pass "--stat gives one line per path; --path selects by host or member path"

# Binary content: reported, never printed.
sqlite3 "$db" "update tree set data = X'00FF00FE', version = version + 1 where name = 'pve-root-ca.pem'"
run 1 diff_ latest live
contains "$out" "binary files differ"
pass "binary files: 'binary files differ', no bytes"

# Cross-node: pve2's snapshot from the same cluster, before the changes.
"$MKFIXTURE" --root "$scratch/root2" --preset typical --node pve2 >/dev/null
run 0 "$PMXSNAP" snapshot --root "$scratch/root2" --repo "$repo" --key "$key"
run 1 diff_ latest@pve2 latest@pve1 --json
[ "$(jq -r .cross_node <<<"$out")" = true ] || fail "cross-node flag"
[ "$(jq -r '[.changes[].path | select(startswith("/etc/pve/") | not)] | length' <<<"$out")" = 0 ] || fail "cross-node compared host paths"
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$out")" = "/etc/pve/corosync.conf /etc/pve/nodes/pve1/qemu-server/100.conf /etc/pve/priv/token.cfg /etc/pve/storage.cfg" ] ||
  fail "cross-node divergence: $(jq -c '[.changes[].path]' <<<"$out")"
pass "cross-node: only cluster-wide paths compared; pve1's divergence from pve2 shown"

# Bad sources: one line, exit 2 — diff cannot answer, whatever the cause.
run 2 diff_ latest@pve9 live
one_line "$err"; contains "$err" "no snapshots of node pve9"; contains "$err" "pve1, pve2"
run 2 diff_ latest~9 latest
one_line "$err"; contains "$err" "only 2 snapshots of node pve1"
run 2 "$PMXSNAP" diff --root "$scratch/root" --repo "$scratch/empty-repo" --pubkey "$pub" latest live
one_line "$err"; contains "$err" "empty-repo"
run 2 diff_ "$scratch/no-such.pmxsnap" live
one_line "$err"; contains "$err" "no-such.pmxsnap"
run 2 diff_ latest
one_line "$err"
cp "$(archives | head -1)" "$scratch/damaged.pmxsnap"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)" "$scratch/damaged.pmxsnap"
run 1 diff_ "$scratch/damaged.pmxsnap" latest
one_line "$err"; contains "$err" "damaged.pmxsnap: signature: missing: "
run 1 diff_ "$scratch/damaged.pmxsnap" latest --no-verify
one_line "$err"; contains "$err" "damaged.pmxsnap: "
case "$err" in *signature*) fail "--no-verify checked the signature: $err";; esac
pass "bad sources: unknown node, latest~K past the oldest, empty repo, missing file, missing operand: exit 2, one line; a damaged archive: exit 1, one line (its signature; with --no-verify the safe reader's message)"

# 10,000 guests, 10 guest configs changed: only those 10 are read on each side.
rm -rf "$scratch/root" "$repo"
"$MKFIXTURE" --root "$scratch/root" --preset large >/dev/null
run 0 snap
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select inode from tree where name like '%.conf' and name glob '[0-9]*' order by inode limit 10").fetchall()
for (inode,) in rows:
    db.execute("update tree set data = data || 'description: changed\n', version = version + 1 where inode = ?", (inode,))
db.commit()
PY
run 0 snap
run 1 diff_ latest~1 latest --json
[ "$(jq '.changes | length' <<<"$out")" = 10 ] || fail "large: $(jq -c '[.changes[].path]' <<<"$out")"
[ "$(jq -c .stats.contents_read <<<"$out")" = '{"a":10,"b":10}' ] || fail "large: contents read $(jq -c .stats <<<"$out")"
[ "$(jq .stats.paths_compared <<<"$out")" -gt 20000 ] || fail "large: paths compared"
pass "large (10,000 guests), 10 files changed: 10 contents read per side of $(jq .stats.paths_compared <<<"$out") paths"
