# Which corosync's rules a corosync.conf is read by: the node's (--root)
# installed corosync from dpkg's status file, else what its Debian release
# ships, else the newest known; inspect --json says which. The same file
# with a no-break space (0xA0) is refused by 3.1.7's rules and accepted by
# 3.1.9's, as those corosyncs do.
source "$TESTLIB"
need jq
make_node
conf=$scratch/root/etc/corosync/corosync.conf
sed -i 's/^\(  *version: 2\)$/\1\xA0/' "$conf"
grep -q $'version: 2\xA0' "$conf" || fail "no no-break space in $conf"
inspect() { "$PMXSNAP" --root "$scratch/root" inspect "$conf" --json; }
rules() { jq -r '"\(.corosync_rules.version) \(.corosync_rules.source) \(.valid)"' <<<"$out"; }

rm -f "$scratch/root/etc/os-release"
run 0 inspect
[ "$(rules)" = "3.1.9 default true" ] || fail "no records: $(rules)"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$scratch/root/etc/os-release"
run 1 inspect
[ "$(rules)" = "3.1.7 os-release false" ] || fail "Debian 12: $(rules)"
contains "$(jq -r .error.message <<<"$out")" 'Value of key "totem.version" is expected to be integer'
mkdir -p "$scratch/root/var/lib/dpkg"
cat >"$scratch/root/var/lib/dpkg/status" <<'STATUS'
Package: libcorosync-common4
Status: install ok installed
Version: 3.1.7-1

Package: corosync
Status: install ok installed
Priority: optional
Version: 3.1.9-2+deb13u1
Description: cluster engine daemon and utilities

STATUS
run 0 inspect
[ "$(rules)" = "3.1.9 dpkg true" ] || fail "dpkg 3.1.9: $(rules)"
sed -i 's/^Status: install ok installed$/Status: deinstall ok config-files/' "$scratch/root/var/lib/dpkg/status"
run 1 inspect
[ "$(rules)" = "3.1.7 os-release false" ] || fail "corosync removed, config files left: $(rules)"
pass "rules: newest by default, 3.1.7 for Debian 12, the installed corosync from dpkg (not a removed one); 0xA0 refused by 3.1.7 and accepted by 3.1.9"
run 1 "$PMXSNAP" --root "$scratch/root" -v inspect "$conf"
contains "$err" "read by corosync 3.1.7's rules (what this Debian release ships)"
pass "inspect -v says whose rules it read by"
