# No secret value shows in any output: a fixture whose every secret carries
# the marker PMXSNAP-SECRET- goes through a full run — snapshot, list,
# verify, inspect, diff (with secrets changed), doctor, restore plan — in text
# and JSON, and every stdout and stderr is searched for the marker.
source "$TESTLIB"
need sqlite3
make_node --preset typical
make_key
outputs=$scratch/outputs
mkdir -p "$outputs"
n=0
capture() { # any exit code: the output is what matters
  n=$((n + 1))
  "$@" >"$outputs/$n.out" 2>"$outputs/$n.err" || true
  echo "$*" >"$outputs/$n.cmd"
}
for mode in "" --json; do
  capture snap $mode
done
db=$scratch/root/var/lib/pve-cluster/config.db
sqlite3 "$db" "update tree set data = 'root@pam!automation PMXSNAP-SECRET-token-rotated' || char(10), version = version + 1 where name = 'token.cfg'"
sqlite3 "$db" "update tree set data = replace(data, 'content images', 'content images' || char(10) || char(9) || 'password PMXSNAP-SECRET-inline'), version = version + 1 where name = 'storage.cfg'"
capture snap
archive=$(archives | tail -1)
for mode in "" --json; do
  capture "$PMXSNAP" list --repo "$repo" $mode
  capture "$PMXSNAP" verify --repo "$repo" --pubkey "$pub" --all $mode
  capture "$PMXSNAP" inspect "$archive" $mode
  capture "$PMXSNAP" inspect "$db" $mode
  capture "$PMXSNAP" inspect "$scratch/root/etc/corosync/corosync.conf" $mode
  capture "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~1 latest $mode
  capture "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~2 live $mode
  capture "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest~1 latest --stat $mode
  capture "$PMXSNAP" doctor --root "$scratch/root" --repo "$repo" --pubkey "$pub" --offline $mode
  capture "$PMXSNAP" restore plan "$archive" --pubkey "$pub" --root "$scratch/root" --offline $mode
  capture "$PMXSNAP" ls --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest $mode
done
for path in /etc/pve/storage.cfg /etc/pve/priv/token.cfg /etc/pve/priv/authkey.key \
  /var/lib/pve-cluster/config.db /etc/pve/user.cfg; do
  capture "$PMXSNAP" cat --root "$scratch/root" --repo "$repo" --pubkey "$pub" latest "$path"
done
capture "$PMXSNAP" restore apply "$archive" --root "$scratch/root" --pubkey "$pub" --dry-run
# The run must have produced real output, with the secrets changed in it.
grep -q "pve/priv/token.cfg" "$outputs"/*.out || fail "the secret change was not reported at all"
leaks=$(grep -l PMXSNAP-SECRET- "$outputs"/*.out "$outputs"/*.err || true)
for leak in $leaks; do
  fail "secret in the output of: $(cat "${leak%.*}.cmd"): $(grep -m1 PMXSNAP-SECRET- "$leak")"
done
pass "no planted secret in the text or JSON output of $n commands (snapshot, list, verify, inspect, diff, doctor, restore, ls, cat)"
