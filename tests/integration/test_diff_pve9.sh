# diff on Proxmox VE 9 content (the fixture's default): a changed HA rule, a
# changed SDN fabric and a changed directory mapping show per section and
# key; the WireGuard private keys (priv/wg-keys.cfg) and the notification
# secrets never show, in text or JSON, unless --show-secrets. PVE 8 content
# (HA groups) is still generated on request.
source "$TESTLIB"
need jq sqlite3 python3
make_node
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
for file in rules.cfg fabrics.cfg route-maps.cfg prefix-lists.cfg pve-ipam-state.json \
  mac-cache.json directory.cfg wg-keys.cfg; do
  [ "$(sqlite3 "$db" "select count(*) from tree where name = '$file'")" = 1 ] ||
    fail "the PVE 9 fixture has no $file"
done
[ "$(sqlite3 "$db" "select count(*) from tree where name = 'groups.cfg'")" = 0 ] ||
  fail "the PVE 9 fixture still has HA groups"
run 0 snap

old_key=$(sqlite3 "$db" "select data from tree where name = 'wg-keys.cfg'" | sed -n 's/.*key=\(.*\)/\1/p' | head -1)
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def edit(name, old, new):
    inode, data = db.execute("select inode, data from tree where name = ?", (name,)).fetchone()
    text = data.decode() if isinstance(data, bytes) else data
    assert old in text, (name, old)
    db.execute("update tree set data = ?, version = version + 1000 where inode = ?",
               (text.replace(old, new, 1), inode))
edit("rules.cfg", "\tstrict 0\n", "\tstrict 1\n")
edit("fabrics.cfg", "\thello_interval 3\n", "\thello_interval 10\n")
edit("directory.cfg", "map node=pve2,path=/mnt/share1", "map node=pve2,path=/srv/share1")
edit("wg-keys.cfg", "key=PMXSNAP-SECRET-wg-key-1-", "key=PMXSNAP-SECRET-wg-key-1-rotated-")
edit("notifications.cfg", "\tport 587\n", "\tport 465\n")
db.commit()
PY
run 0 snap

run 1 "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~1 latest --json
json=$out
[ "$(jq -r '[.changes[].path] | join(" ")' <<<"$json")" = "/etc/pve/ha/rules.cfg /etc/pve/mapping/directory.cfg /etc/pve/notifications.cfg /etc/pve/priv/wg-keys.cfg /etc/pve/sdn/fabrics.cfg" ] ||
  fail "changed paths: $(jq -c '[.changes[].path]' <<<"$json")"
section_change() { # PATH -> "section|key|before|after" per changed key
  jq -r --arg p "$1" '.changes[] | select(.path == $p) | .sections[] | "\(.section)|\(.key)|\(.before)|\(.after)"' <<<"$json"
}
[ "$(section_change /etc/pve/ha/rules.cfg)" = "node-affinity: ha-group-prefer-pve1|strict|0|1" ] ||
  fail "HA rule: $(section_change /etc/pve/ha/rules.cfg)"
[ "$(section_change /etc/pve/sdn/fabrics.cfg)" = "openfabric_fabric: core|hello_interval|3|10" ] ||
  fail "fabric: $(section_change /etc/pve/sdn/fabrics.cfg)"
[ "$(section_change /etc/pve/mapping/directory.cfg)" = "share1|map #2|node=pve2,path=/mnt/share1|node=pve2,path=/srv/share1" ] ||
  fail "directory mapping: $(section_change /etc/pve/mapping/directory.cfg)"
[ "$(section_change /etc/pve/notifications.cfg)" = "smtp: relay|port|587|465" ] ||
  fail "notification target: $(section_change /etc/pve/notifications.cfg)"
[ "$(jq -r '.changes[] | select(.path == "/etc/pve/priv/wg-keys.cfg") | .secret' <<<"$json")" = true ] ||
  fail "wg-keys.cfg is not flagged secret"
pass "PVE 9 files: an HA rule, a fabric, a directory mapping and a notification target changed per section and key"

run 1 "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~1 latest
text=$out
contains "$text" "/etc/pve/ha/rules.cfg"
contains "$text" "node-affinity: ha-group-prefer-pve1"
contains "$text" "/etc/pve/priv/wg-keys.cfg"
for shown in "$json" "$text"; do
  case "$shown" in *PMXSNAP-SECRET-* | *"$old_key"*) fail "a secret shows: $shown" ;; esac
done
run 1 "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~1 latest --show-secrets
contains "$out" "PMXSNAP-SECRET-wg-key-1-rotated-"
pass "priv/wg-keys.cfg: flagged secret, its keys in neither text nor JSON; --show-secrets shows the rotated key"

"$MKFIXTURE" --root "$scratch/pve8" --pve 8 >/dev/null
db8=$scratch/pve8/var/lib/pve-cluster/config.db
[ "$(sqlite3 "$db8" "select count(*) from tree where name in ('groups.cfg', 'rules.cfg', 'fabrics.cfg')")" = 1 ] &&
  [ "$(sqlite3 "$db8" "select count(*) from tree where name = 'groups.cfg'")" = 1 ] ||
  fail "--pve 8: $(sqlite3 "$db8" "select name from tree where name like '%.cfg'" | tr '\n' ' ')"
! "$MKFIXTURE" --root "$scratch/pve7" --pve 7 >/dev/null 2>&1 || fail "--pve 7 accepted"
pass "--pve 8 gives PVE 8 content (HA groups, no rules or fabrics); --pve 7 is refused"
