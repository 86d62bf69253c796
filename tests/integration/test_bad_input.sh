# Bad input: one clear line naming the thing, exit 2, nothing lost, no
# partial file under a final name.
source "$TESTLIB"
need sqlite3
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db

expect_error() { # EXPECTED-TEXT CMD...
  local text=$1; shift
  run 2 "$@"
  one_line "$err"
  contains "$err" "pmxsnap: "
  contains "$err" "$text"
}

mkdir -p "$scratch/empty/etc" && echo pve1 >"$scratch/empty/etc/hostname"
expect_error "config.db: no such file" "$PMXSNAP" snapshot --root "$scratch/empty" --repo "$repo" --key "$key"
pass "missing config.db"

mkdir -p "$scratch/garbage/var/lib/pve-cluster" "$scratch/garbage/etc"
echo pve1 >"$scratch/garbage/etc/hostname"
head -c 4096 /dev/urandom >"$scratch/garbage/var/lib/pve-cluster/config.db"
expect_error "not an SQLite database" "$PMXSNAP" snapshot --root "$scratch/garbage" --repo "$repo" --key "$key"
pass "a file that is not SQLite"

mkdir -p "$scratch/notree/var/lib/pve-cluster" "$scratch/notree/etc"
echo pve1 >"$scratch/notree/etc/hostname"
sqlite3 "$scratch/notree/var/lib/pve-cluster/config.db" "create table other (x integer)"
expect_error "no table 'tree'" "$PMXSNAP" snapshot --root "$scratch/notree" --repo "$repo" --key "$key"
contains "$err" "$scratch/notree/var/lib/pve-cluster/config.db"
pass "SQLite without the tree table (named by its live path)"

expect_error "pmxsnap keygen" "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$scratch/nokey"
pass "missing key says to run keygen"

echo "not a dir" >"$scratch/file"
expect_error "$scratch/file" snap --repo "$scratch/file/repo"
pass "unwritable repository"

expect_error "already exists" "$PMXSNAP" keygen --out "$key"
pass "keygen refuses to overwrite"

# The lock: another snapshot of this node holds it.
run 0 snap
hold_lock "$repo/demo/pve1/.lock" 300
expect_error "still locked" snap --lock-wait 1
release_lock
pass "a held lock gives up after the bounded wait"

run 2 "$PMXSNAP" snapshot --no-such-option
contains "$err" "pmxsnap: "
pass "usage error exits 2"

# Full and read-only filesystems as the repository (needs root for mounts).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  export PMXSNAP TESTKEY=$key ROOT=$scratch/root REPOFS=$scratch/repofs
  mkdir -p "$REPOFS"
  unshare -m bash -euc '
    mount -t tmpfs -o size=8k tmpfs "$REPOFS"
    "$PMXSNAP" snapshot --root "$ROOT" --repo "$REPOFS" --key "$TESTKEY" >/dev/null 2>"$REPOFS.err1" && exit 10
    [ $? -eq 2 ] || exit 11
    leftovers=$(find "$REPOFS" -type f ! -name .lock | wc -l)
    [ "$leftovers" -eq 0 ] || { find "$REPOFS"; exit 12; }
    mount -o remount,ro "$REPOFS"
    "$PMXSNAP" snapshot --root "$ROOT" --repo "$REPOFS" --key "$TESTKEY" >/dev/null 2>"$REPOFS.err2" && exit 13
    [ $? -eq 2 ] || exit 14
    exit 0' || fail "full/read-only repository: code $? ($(cat "$REPOFS.err1" "$REPOFS.err2" 2>/dev/null))"
  contains "$(cat "$REPOFS.err1")" "No space left on device"
  one_line "$(cat "$REPOFS.err1")"
  contains "$(cat "$REPOFS.err2")" "Read-only file system"
  pass "full repository: exit 2, one line, no partial file; read-only: exit 2"
else
  skip_part "full/read-only repository needs root and mount namespaces"
fi
