# diff as an operator reads it, on a day with a node's directory removed, a
# guest's firewall file removed, storage.cfg, a guest config, a token secret
# and cluster.fw changed and /etc/corosync/corosync.conf cut short:
# - every changed file carries the live SHA-256 (secrets too, their content
#   still masked) or "absent", and `restore file --expect-digest` accepts
#   exactly that on a mounted /etc/pve (bindfs standing in for pmxcfs);
# - a removed firewall file reports no "section ''";
# - --path that matches nothing is an error; a directory path selects what is
#   under it, also through /etc/pve/qemu-server and relative to /etc/pve;
# - a removed (or added) subtree is one line with its counts, per file in JSON;
# - paths read /etc/pve/..., /etc/corosync/... in every table, never pve/...
source "$TESTLIB"
need jq sqlite3 python3 sha256sum zstd tar
make_node --preset typical --firewall-per-guest
make_key
run 0 snap
archive=$(archives | tail -1)
db=$scratch/root/var/lib/pve-cluster/config.db
diff_() { "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }
archived_sha() { zstd -dc "$archive" | tar -xO "$1" | sha256sum | cut -d' ' -f1; }
zstd -dc "$archive" | tar -xO MANIFEST.json >"$scratch/manifest.json"
under_pve3() { jq --arg t "$1" '[.members[] | select((.path | startswith("pve/nodes/pve3/")) and .type == $t)] | length' "$scratch/manifest.json"; }
pve3_files=$(under_pve3 file)
pve3_dirs=$(under_pve3 dir)
[ "$pve3_files" -gt 3 ] && [ "$pve3_dirs" -gt 0 ] || fail "the fixture's nodes/pve3: $pve3_files files, $pve3_dirs directories"

# The day's changes, made in the db as pmxcfs would (the root version raised).
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def row(path):
    parent = 0
    for name in path.split("/"):
        parent = db.execute("select inode from tree where parent = ? and name = ?", (parent, name)).fetchone()[0]
    return parent
def edit(path, change):
    inode = row(path)
    data = db.execute("select data from tree where inode = ?", (inode,)).fetchone()[0]
    text = data.decode() if isinstance(data, bytes) else data
    db.execute("update tree set data = ?, version = version + 1000 where inode = ?", (change(text), inode))
def remove(inode):
    for (child,) in db.execute("select inode from tree where parent = ? and inode != 0", (inode,)).fetchall():
        remove(child)
    db.execute("delete from tree where inode = ?", (inode,))
remove(row("nodes/pve3"))
remove(row("firewall/101.fw"))
edit("storage.cfg", lambda t: t + "dir: scratch\n\tpath /srv/scratch\n\tcontent iso\n")
edit("nodes/pve1/qemu-server/100.conf", lambda t: t.replace("memory: ", "memory: 9", 1))
edit("priv/token.cfg", lambda t: "root@pam!automation PMXSNAP-SECRET-token-rotated\n")
edit("firewall/cluster.fw", lambda t: "# edited by hand\n" + t)
db.execute("update tree set version = version + 2000 where inode = 0")
db.commit()
PY
conf=$scratch/root/etc/corosync/corosync.conf
head -c 300 "$conf" >"$scratch/short.conf" && cat "$scratch/short.conf" >"$conf"
live_sha() { # the live db's content of an /etc/pve path
  python3 - "$db" "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
parent = 0
for name in sys.argv[2].split("/"):
    parent = db.execute("select inode from tree where parent = ? and name = ?", (parent, name)).fetchone()[0]
data = db.execute("select data from tree where inode = ?", (parent,)).fetchone()[0] or b""
print(hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest())
PY
}

run 1 diff_ latest live
text=$out
run 1 diff_ latest live --json
json=$out
# The line after a change's first line, for the text's digest.
digest_in_text() { grep -A1 -E "^[a-z]+ +$1( |\$)" <<<"$text" | sed -n 2p; }
storage_sha=$(live_sha storage.cfg)
[ "$(digest_in_text /etc/pve/storage.cfg)" = "    live SHA-256 (restore file --expect-digest): $storage_sha" ] ||
  fail "storage.cfg digest line: '$(digest_in_text /etc/pve/storage.cfg)', live $storage_sha"
token_sha=$(live_sha priv/token.cfg)
[ "$(digest_in_text /etc/pve/priv/token.cfg)" = "    live SHA-256 (restore file --expect-digest): $token_sha" ] ||
  fail "token.cfg (secret) digest line: '$(digest_in_text /etc/pve/priv/token.cfg)'"
[ "$(digest_in_text /etc/pve/firewall/101.fw)" = "    live: absent (restore file --expect-digest absent)" ] ||
  fail "removed 101.fw: '$(digest_in_text /etc/pve/firewall/101.fw)'"
[ "$(digest_in_text /etc/corosync/corosync.conf)" = "    live SHA-256 (restore file --expect-digest): $(sha256sum <"$conf" | cut -d' ' -f1)" ] ||
  fail "a host file's digest: '$(digest_in_text /etc/corosync/corosync.conf)'"
for output in "$text" "$json"; do
  ! grep -q PMXSNAP-SECRET <<<"$output" || fail "a secret shows: $(grep -m1 PMXSNAP-SECRET <<<"$output")"
done
contains "$text" "secret: content not shown"
change() { jq -c --arg p "$1" ".changes[] | select(.path == \$p) | $2" <<<"$json"; }
[ "$(change /etc/pve/storage.cfg '[.digests.a, .digests.b, .expect_digest]')" = "[\"$(archived_sha pve/storage.cfg)\",\"$storage_sha\",\"$storage_sha\"]" ] ||
  fail "storage.cfg digests in JSON: $(change /etc/pve/storage.cfg .digests)"
[ "$(change /etc/pve/priv/token.cfg '[.secret, .digests.a, .digests.b, .after.sha256]')" = "[true,\"$(archived_sha pve/priv/token.cfg)\",\"$token_sha\",\"$token_sha\"]" ] ||
  fail "token.cfg digests in JSON: $(change /etc/pve/priv/token.cfg '{digests, after}')"
[ "$(change /etc/pve/firewall/101.fw '[.digests.a, .digests.b, .expect_digest]')" = "[\"$(archived_sha pve/firewall/101.fw)\",\"absent\",\"absent\"]" ] ||
  fail "removed 101.fw in JSON: $(change /etc/pve/firewall/101.fw .digests)"
[ "$(jq '[.changes[] | select(.before.type != "directory" and .after.type != "directory")
         | select((.digests.a | type) != "string" or (.digests.b | type) != "string")] | length' <<<"$json")" = 0 ] ||
  fail "a changed file without both digests: $(jq -c '[.changes[] | select(.digests.a == null or .digests.b == null) | .path]' <<<"$json")"
pass "every changed file: the live SHA-256 (a secret's too, its content masked) or 'absent'; both sides' digests in JSON"

# The digest diff printed is what restore file takes, on a mounted /etc/pve
# holding what the live db holds (bindfs stands in for pmxcfs's FUSE mount).
pve=$scratch/root/etc/pve
if command -v bindfs >/dev/null && [ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ]; then
  run 1 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo-now" --key "$key"
  run 0 "$PMXSNAP" restore extract --pubkey "$pub" "$(find "$scratch/repo-now" -name '*.pmxsnap')" --to "$scratch/now"
  mkdir -p "$pve"
  bindfs "$scratch/now/pve" "$pve" || fail "bindfs"
  trap 'status_seen=$?; umount "$pve" 2>/dev/null || true; on_exit $status_seen' EXIT
  [ "$(sha256sum <"$pve/storage.cfg" | cut -d' ' -f1)" = "$storage_sha" ] || fail "the mounted /etc/pve is not the live db's"
  restore_file() { "$PMXSNAP" restore file "$archive" "$@" --root "$scratch/root" --pubkey "$pub"; }
  text_digest=$(digest_in_text /etc/pve/storage.cfg | sed 's/.*--expect-digest): //')
  run 0 restore_file /etc/pve/storage.cfg --expect-digest "$text_digest"
  cmp -s "$pve/storage.cfg" <(zstd -dc "$archive" | tar -xO pve/storage.cfg) || fail "storage.cfg not restored"
  json_digest=$(change /etc/pve/priv/token.cfg .expect_digest | tr -d '"')
  run 0 restore_file /etc/pve/priv/token.cfg --expect-digest "${json_digest^^}"
  cmp -s "$pve/priv/token.cfg" <(zstd -dc "$archive" | tar -xO pve/priv/token.cfg) || fail "token.cfg not restored"
  [ ! -e "$pve/firewall/101.fw" ] || fail "101.fw should be absent on the mount"
  run 0 restore_file /etc/pve/firewall/101.fw --expect-digest absent
  cmp -s "$pve/firewall/101.fw" <(zstd -dc "$archive" | tar -xO pve/firewall/101.fw) || fail "101.fw not restored"
  contains "$out" "SHA-256 absent →"
  run 2 restore_file /etc/pve/firewall/101.fw --expect-digest absent
  one_line "$err"; contains "$err" "changed since it was reviewed"; contains "$err" "expected absent"
  run 2 restore_file /etc/pve/storage.cfg --expect-digest "$storage_sha"
  one_line "$err"; contains "$err" "changed since it was reviewed"
  umount "$pve"
  trap on_exit EXIT
  pass "restore file takes the digest diff printed (text, and a secret's from JSON in capitals) and 'absent' for a removed file; 'absent' refused once the file is back"
else
  skip_part "restore file with the printed digests (needs root, /dev/fuse and bindfs)"
fi

# A removed firewall file: its lines, no section ''.
! grep -q "section ''" <<<"$text" || fail "a bogus section: $(grep "section ''" <<<"$text")"
[ "$(change /etc/pve/firewall/101.fw '.sections')" = "" ] || [ "$(change /etc/pve/firewall/101.fw '.sections')" = null ] ||
  fail "a removed file's sections: $(change /etc/pve/firewall/101.fw .sections)"
[ "$(jq '[.changes[] | (.sections // [])[] | select(.section == "" and .key == null)] | length' <<<"$json")" = 0 ] ||
  fail "a section '' in JSON: $(jq -c '[.changes[] | {path, sections}]' <<<"$json")"
[ "$(change /etc/pve/firewall/cluster.fw '[.sections[] | "\(.section)|\(.key)|\(.before)|\(.after)"]')" = '["|#|null|edited by hand"]' ] ||
  fail "cluster.fw's new comment: $(change /etc/pve/firewall/cluster.fw .sections)"
grep -A8 -E '^removed +/etc/pve/firewall/101.fw' <<<"$text" | grep -q -- '-\[OPTIONS\]' || fail "the removed file's lines: $text"
pass "a removed firewall file: its lines, no section ''; a comment above [OPTIONS] is one key, not a section"

# --path: nothing matched is an error; a directory selects what is under it.
run 2 diff_ latest live --path '/etc/pve/no-such/*'
one_line "$err"; contains "$err" "--path /etc/pve/no-such/*: matches no path of latest or live"
run 2 diff_ latest live --path /etc/pve/storage.cfg --path /etc/pve/storage.cgf
one_line "$err"; contains "$err" "/etc/pve/storage.cgf"
run 2 diff_ latest live --path /etc/pve/no-such.cfg --json
pve3_members=$((pve3_files + pve3_dirs + 1))
for spelling in /etc/pve/nodes/pve3 /etc/pve/nodes/pve3/ nodes/pve3/ pve/nodes/pve3; do
  run 1 diff_ latest live --path "$spelling" --json
  [ "$(jq '[.changes[] | select(.path | test("^/etc/pve/nodes/pve3(/|$)"))] | length' <<<"$out")" = "$pve3_members" ] &&
    [ "$(jq '.changes | length' <<<"$out")" = "$pve3_members" ] ||
    fail "--path $spelling: $(jq -c '[.changes[].path]' <<<"$out")"
done
run 1 diff_ latest live --path /etc/pve/qemu-server/100.conf --json
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$out")" = /etc/pve/nodes/pve1/qemu-server/100.conf ] ||
  fail "--path /etc/pve/qemu-server/100.conf: $(jq -c '[.changes[].path]' <<<"$out")"
run 1 diff_ latest live --path /etc/pve/firewall --json
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$out")" = "/etc/pve/firewall/101.fw /etc/pve/firewall/cluster.fw" ] ||
  fail "--path /etc/pve/firewall: $(jq -c '[.changes[].path]' <<<"$out")"
run 0 diff_ latest live --path /etc/pve/datacenter.cfg
contains "$out" "identical: latest and live (1 path compared)"
run 1 diff_ latest live --path / --json
[ "$(jq .stats.paths_compared <<<"$out")" = "$(jq .stats.paths_compared <<<"$json")" ] ||
  fail "--path / compared $(jq .stats.paths_compared <<<"$out") of $(jq .stats.paths_compared <<<"$json") paths"
pass "--path: no match is exit 2 naming the pattern; /etc/pve/nodes/pve3, its trailing-slash, relative and member spellings select its $pve3_members entries; /etc/pve/qemu-server/ is this node's; / is everything"

# A removed subtree is one line with its counts; JSON keeps every entry.
counts="($pve3_files files, $pve3_dirs director$([ "$pve3_dirs" = 1 ] && echo y || echo ies))"
[ "$(grep -c /etc/pve/nodes/pve3 <<<"$text")" = 1 ] || fail "nodes/pve3 in more than one line: $(grep /etc/pve/nodes/pve3 <<<"$text")"
grep -qxF "removed   /etc/pve/nodes/pve3/ $counts" <<<"$text" || fail "the subtree line: $(grep /etc/pve/nodes/pve3 <<<"$text")"
run 1 diff_ latest live --stat
grep -qxF "removed   /etc/pve/nodes/pve3/ $counts" <<<"$out" || fail "--stat subtree line: $out"
[ "$(grep -c /etc/pve/nodes/pve3 <<<"$out")" = 1 ] || fail "--stat: nodes/pve3 in more than one line"
[ "$(jq '[.changes[] | select(.path | startswith("/etc/pve/nodes/pve3/")) | select(.status == "removed")] | length' <<<"$json")" = $((pve3_members - 1)) ] ||
  fail "JSON per-file detail of the subtree"
[ "$(jq -c '.subtrees' <<<"$json")" = "[{\"directories\":$pve3_dirs,\"files\":$pve3_files,\"path\":\"/etc/pve/nodes/pve3\",\"status\":\"removed\"}]" ] ||
  fail "JSON subtrees: $(jq -c .subtrees <<<"$json")"
run 1 diff_ live latest
grep -qxF "added     /etc/pve/nodes/pve3/ $counts" <<<"$out" || fail "the added subtree: $(grep /etc/pve/nodes/pve3 <<<"$out")"
[ "$(grep -c /etc/pve/nodes/pve3 <<<"$out")" = 1 ] || fail "the added subtree in more than one line"
pass "a removed (or added) subtree: one line '$(grep /etc/pve/nodes/pve3 <<<"$text")', every entry in JSON with a subtrees summary"

# Paths as the operator knows them, in every table.
member_name='(^|[^/[:alnum:]_.-])(pve|host|db)/'
for output in "$text" "$(diff_ latest live --stat || true)"; do
  ! grep -E "$member_name" <<<"$output" || fail "an archive member name in the text"
done
contains "$text" "TRUNCATED /etc/corosync/corosync.conf:"
contains "$text" "--- a/etc/pve/storage.cfg"
[ "$(jq -r '[.changes[].path, .truncated[], .subtrees[].path, .corosync.copies[].file] | map(select(startswith("/etc/") | not)) | length' <<<"$json")" = 0 ] ||
  fail "JSON paths not as the operator knows them: $(jq -c '[.changes[].path, .truncated[], .subtrees[].path]' <<<"$json")"
[ "$(jq -r '.truncated | join(" ")' <<<"$json")" = /etc/corosync/corosync.conf ] || fail "JSON truncated: $(jq -c .truncated <<<"$json")"
! jq -r '.changes[].unified // empty' <<<"$json" | grep -E '^(---|\+\+\+) [ab]/(pve|host)/' || fail "a member name in a unified diff header"
pass "paths read /etc/pve/..., /etc/corosync/... in the change lines, TRUNCATED, --stat, diff headers and every JSON table"
