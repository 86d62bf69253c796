# ls and cat: the files of a snapshot and the bytes of one, as restic and
# borg users expect — on plain and encrypted archives, through every selector
# form (a path, latest, latest~K, latest@NODE), paths as the operator knows
# them; secrets refused without --show-secrets and exact with it; bad
# selectors and paths one line, exit 2; an archive that is tampered, moved
# or signed by a stranger exit 1.
source "$TESTLIB"
need python3 sqlite3 age age-keygen cmp
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
ls_() { "$PMXSNAP" ls --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }
cat_() { "$PMXSNAP" cat --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }
# The bytes of an /etc/pve file as the fixture's db holds them.
from_db() { # NAME PARENT_NAME OUT
  sqlite3 "$db" "select writefile('$3', coalesce(data, '')) from tree
    where name = '$1' and parent = (select inode from tree where name = '$2' and type = 4
                                    union select 0 where '$2' = '') limit 1" >/dev/null
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); $1" <<<"$out"; }

run 0 snap
first=$(archives | tail -1)
# A change: a new file and one with a password in it.
sqlite3 "$db" "
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000300, 8,
    'browse-marker.cfg', 'second' || char(10) from tree;
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 2, 1760000301, 8,
    'inline-secret.cfg', 'smtp: relay' || char(10) || char(9) || 'password PMXSNAP-SECRET-inline' || char(10) from tree;
  update tree set version = (select max(inode) from tree) where inode = 0;"
run 0 snap
second=$(archives | tail -1)
[ "$first" != "$second" ] || fail "two snapshots expected"

# --- ls ---------------------------------------------------------------------
run 0 ls_ latest
contains "$out" "$second"
contains "$out" " /etc/pve/storage.cfg"
contains "$out" " /etc/corosync/corosync.conf"
contains "$out" " /etc/pve/browse-marker.cfg"
contains "$out" " /var/lib/pve-cluster/config.db"
if grep -qE ' (pve|host|db)/' <<<"$out"; then fail "archive member names shown: $out"; fi
version=$(sqlite3 "$db" "select version from tree where name = 'storage.cfg' and parent = 0")
writer=$(sqlite3 "$db" "select writer from tree where name = 'storage.cfg' and parent = 0")
line=$(grep ' /etc/pve/storage.cfg$' <<<"$out")
read -r mode owner size v w mtime path <<<"$line"
[ "$v $w" = "$version $writer" ] || fail "storage.cfg: version/writer $v $w, db has $version $writer"
[ "$size" = "$(sqlite3 "$db" "select length(data) from tree where name = 'storage.cfg' and parent = 0")" ] ||
  fail "storage.cfg size $size"
[ "$mode" = "-rw-r-----" ] || fail "storage.cfg mode $mode"
pass "ls latest: operator paths, pmxcfs version/writer and size as the db has them"

run 0 ls_ latest~1
if grep -q browse-marker <<<"$out"; then fail "latest~1 is the second snapshot"; fi
contains "$out" "$first"
run 0 ls_ "$first"
contains "$out" "$first"
pass "ls latest~1 and ls ARCHIVE: the first snapshot"

run 0 ls_ latest --json
json "assert d['schema'] == 'pmxsnap.ls/1', d['schema']
assert d['archive'] == '$second' and d['cluster'] == 'demo' and d['node'] == 'pve1'
assert not d['encrypted']
m = {x['path']: x for x in d['members']}
s = m['/etc/pve/storage.cfg']
assert s['member'] == 'pve/storage.cfg' and s['type'] == 'file' and s['mode'] == '0640', s
assert s['pmxcfs']['version'] == $version and s['pmxcfs']['writer'] == $writer, s
assert len(s['sha256']) == 64
assert m['/etc/pve/nodes']['type'] == 'directory' and 'sha256' not in m['/etc/pve/nodes']
assert m['/etc/corosync/corosync.conf']['pmxcfs'] is None
assert m['/etc/pve/inline-secret.cfg']['pmxcfs']['writer'] == 2"
total=$(json "print(len(d['members']))")
under=$(json "print(sum(1 for x in d['members'] if x['path'] == '/etc/pve/nodes/pve1' or x['path'].startswith('/etc/pve/nodes/pve1/')))")
[ "$under" -gt 5 ] || fail "only $under members under /etc/pve/nodes/pve1"
run 0 ls_ latest /etc/pve/nodes/pve1/ --json
[ "$(json "print(len(d['members']))")" = "$under" ] || fail "ls PATH: not every member under it"
json "assert all(x['path'].startswith('/etc/pve/nodes/pve1') for x in d['members'])"
run 0 ls_ latest /etc/pve/storage.cfg /etc/corosync --json
json "p = [x['path'] for x in d['members']]
assert '/etc/pve/storage.cfg' in p and '/etc/corosync/corosync.conf' in p, p
assert all(x == '/etc/pve/storage.cfg' or x.startswith('/etc/corosync') for x in p), p"
run 0 ls_ latest / --json
[ "$(json "print(len(d['members']))")" = "$total" ] || fail "ls / is not everything"
pass "ls --json parses (pmxsnap.ls/1); PATHs filter: a directory gives what is under it ($under), / gives all ($total)"

# --- selectors across nodes -------------------------------------------------
"$MKFIXTURE" --root "$scratch/root2" --preset typical --node pve2 >/dev/null
run 0 "$PMXSNAP" snapshot --root "$scratch/root2" --repo "$repo" --key "$key"
run 0 ls_ latest@pve2 --json
json "assert d['node'] == 'pve2' and '/pve2/' in d['archive'], d['archive']"
run 0 ls_ latest~1@pve1
contains "$out" "$first"
pass "latest@NODE and latest~K@NODE"

# --- bad selectors and paths: one line, exit 2 ------------------------------
run 2 ls_ latest~9
one_line "$err"
contains "$err" "latest~9: only 2 snapshots of node pve1 in $repo/demo/pve1"
run 2 ls_ latest@pve9
one_line "$err"
contains "$err" "latest@pve9: no snapshots of node pve9"
for bad in 'latest~' 'latest~x' 'latest@' 'latest@@pve1' 'latest~1~2' $'latest@pve1\nx'; do
  run 2 ls_ "$bad"
  one_line "$err"
  contains "$err" "not a selector"
done
run 2 ls_ "$scratch/no-such.pmxsnap"
one_line "$err"
contains "$err" "no-such.pmxsnap: no such archive"
run 2 ls_ "$repo"
one_line "$err"
contains "$err" "is a directory"
run 2 ls_ latest /etc/pve/no-such-file
one_line "$err"
contains "$err" "/etc/pve/no-such-file: not in $second"
run 2 ls_ latest storage.cfg
one_line "$err"
[ -z "$out" ] || fail "ls with a bad PATH printed: $out"
run 2 "$PMXSNAP" ls --root "$scratch/root" --repo "$scratch/no-repo" --pubkey "$pub" latest
one_line "$err"
contains "$err" "no-repo"
# No key at all to check with (none given, none trusted, none of its own):
# the line every checking command gives.
mkdir "$scratch/no-keys"
for browse in "ls latest" "cat latest /etc/hosts"; do
  run 2 "$PMXSNAP" $browse --root "$scratch/root" --repo "$repo" --trusted-dir "$scratch/no-keys" \
    --key "$scratch/nowhere/signing.key"
  one_line "$err"; contains "$err" "no trusted public key"
  [ -z "$out" ] || fail "$browse without a key printed: $out"
done
pass "bad selectors (K past the oldest, unknown node, broken forms, no file, a directory, no repo), PATHs and no key at all: exit 2, one line naming them"

# --- cat ----------------------------------------------------------------------
run 0 cat_ latest /etc/pve/browse-marker.cfg
[ "$out" = second ] || fail "cat latest: $out"
run 2 cat_ latest~1 /etc/pve/browse-marker.cfg
one_line "$err"
contains "$err" "/etc/pve/browse-marker.cfg: not in $first"
from_db storage.cfg '' "$scratch/storage.want"
cat_ latest /etc/pve/storage.cfg >"$scratch/storage.got"
cmp "$scratch/storage.want" "$scratch/storage.got" || fail "cat storage.cfg differs from the db"
cat_ latest /etc/corosync/corosync.conf >"$scratch/corosync.got"
cmp "$scratch/root/etc/corosync/corosync.conf" "$scratch/corosync.got" || fail "cat corosync.conf differs"
cat_ latest host/etc/corosync/corosync.conf | cmp - "$scratch/corosync.got" || fail "a member name is not taken"
pass "cat: the exact bytes of /etc/pve and node-local files (cmp with the db and the node)"

for secret in /etc/pve/priv/authkey.key /etc/pve/priv/shadow.cfg /etc/pve/pve-www.key \
  /var/lib/pve-cluster/config.db /etc/pve/inline-secret.cfg; do
  run 2 cat_ latest "$secret"
  one_line "$err"
  contains "$err" "$secret: "
  contains "$err" "--show-secrets"
  [ -z "$out" ] || fail "cat $secret printed without --show-secrets"
  if grep -q PMXSNAP-SECRET- <<<"$err"; then fail "a secret in the refusal: $err"; fi
done
from_db authkey.key priv "$scratch/authkey.want"
[ -s "$scratch/authkey.want" ] || fail "no priv/authkey.key in the fixture's db"
cat_ --show-secrets latest /etc/pve/priv/authkey.key >"$scratch/authkey.got"
cmp "$scratch/authkey.want" "$scratch/authkey.got" || fail "--show-secrets: authkey.key differs"
from_db inline-secret.cfg '' "$scratch/inline.want"
cat_ latest /etc/pve/inline-secret.cfg --show-secrets | cmp - "$scratch/inline.want" ||
  fail "--show-secrets: inline-secret.cfg differs"
cat_ --show-secrets latest /var/lib/pve-cluster/config.db >"$scratch/db.got"
[ "$(sqlite3 "$scratch/db.got" "select count(*) from tree where name = 'browse-marker.cfg'")" = 1 ] ||
  fail "cat config.db is not the db copy"
pass "secrets (priv/, *.key, the db copy, inline passwords) refused in one line naming them; --show-secrets gives the exact bytes"

# Every file of the archive, without --show-secrets: printed exactly, or refused.
leaks=0 files=0 refused=0
run 0 ls_ latest --json
while IFS= read -r path; do
  files=$((files + 1))
  set +e
  cat_ latest "$path" >"$scratch/one" 2>"$scratch/one.err"
  code=$?
  set -e
  case $code in
  0) if grep -q PMXSNAP-SECRET- "$scratch/one"; then echo "leak: $path" >&2; leaks=$((leaks + 1)); fi ;;
  2) refused=$((refused + 1)); [ ! -s "$scratch/one" ] || fail "$path: refused but printed" ;;
  *) fail "cat $path: exit $code: $(cat "$scratch/one.err")" ;;
  esac
done < <(json "print('\n'.join(x['path'] for x in d['members'] if x['type'] == 'file'))")
[ "$leaks" -eq 0 ] || fail "$leaks files printed a secret without --show-secrets"
[ "$refused" -gt 5 ] && [ "$files" -gt "$refused" ] || fail "$refused of $files refused"
pass "cat of every file ($files) without --show-secrets: no secret printed, $refused refused"

run 2 cat_ latest /etc/pve/nodes
one_line "$err"
contains "$err" "/etc/pve/nodes: a directory"
run 2 cat_ latest /etc/pve/no-such.cfg
one_line "$err"
contains "$err" "not in"
run 2 cat_ latest /
one_line "$err"
run 2 cat_ latest~x /etc/pve/storage.cfg
one_line "$err"
contains "$err" "latest~x: not a selector"
pass "cat of a directory, a missing path, /, a bad selector: exit 2, one line"
# cat has no JSON form: under --json the refusal is the one error document
# on stdout, stderr silent, as every command's.
run 2 cat_ --json latest /etc/pve/storage.cfg
[ -z "$err" ] || fail "cat --json: stderr not silent: $err"
json "assert d['schema'] == 'pmxsnap.error/1' and d['exit'] == 2, d
assert d['command'] == 'cat' and 'ls --json' in d['error']['why'], d"
pass "cat --json: exit 2, one pmxsnap.error/1 document pointing at ls --json"

# --- encrypted archives -------------------------------------------------------
age-keygen -o "$scratch/age.key" 2>/dev/null
recipient=$(age-keygen -y "$scratch/age.key")
erepo=$scratch/repo-age
run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$erepo" --key "$key" --recipient "$recipient" --include-authkey
els() { "$PMXSNAP" ls --root "$scratch/root" --repo "$erepo" --key "$key" "$@"; }
ecat() { "$PMXSNAP" cat --root "$scratch/root" --repo "$erepo" --key "$key" "$@"; }
run 2 els latest
one_line "$err"
contains "$err" "--identity"
run 0 els latest --identity "$scratch/age.key" --json
json "assert d['encrypted'] and d['archive'].endswith('.pmxsnap.age')
assert '/etc/corosync/authkey' in [x['path'] for x in d['members']]"
ecat latest /etc/pve/storage.cfg --identity "$scratch/age.key" | cmp - "$scratch/storage.want" ||
  fail "encrypted: storage.cfg differs"
run 2 ecat latest /etc/corosync/authkey --identity "$scratch/age.key"
one_line "$err"
contains "$err" "/etc/corosync/authkey: is a secret"
ecat latest /etc/corosync/authkey --identity "$scratch/age.key" --show-secrets |
  cmp - "$scratch/root/etc/corosync/authkey" || fail "encrypted: the authkey differs from the node's"
age-keygen -o "$scratch/other-age.key" 2>/dev/null
run 2 els latest --identity "$scratch/other-age.key"
one_line "$err"
pass "encrypted: --identity needed (one line), ls and cat as on plain archives, the authkey exact with --show-secrets"

# --- archives that are the finding: exit 1 -----------------------------------
tampered=$scratch/repo-tampered
cp -a "$repo" "$tampered"
victim=$tampered/demo/pve1/$(basename "$second")
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0x01; open(p,'wb').write(b)" "$victim"
tls() { "$PMXSNAP" ls --root "$scratch/root" --repo "$tampered" --pubkey "$pub" "$@"; }
run 1 tls latest
one_line "$err"
contains "$err" "$victim: signature: "
run 1 "$PMXSNAP" cat --root "$scratch/root" --repo "$tampered" --pubkey "$pub" latest /etc/pve/storage.cfg
one_line "$err"
[ -z "$out" ] || fail "cat of a tampered archive printed something"
run 1 tls latest --json
json "assert d['schema'] == 'pmxsnap.ls/1' and 'signature' in d['rejected']"
# A valid signature beside the wrong archive.
cp "$tampered/demo/pve1/$(basename "$first").minisig" "$victim.minisig"
cp "$repo/demo/pve1/$(basename "$first")" "$victim"
run 1 tls latest
one_line "$err"
contains "$err" "signed for file $(basename "$first")"
rm "$victim.minisig"
run 1 tls "$victim"
one_line "$err"
contains "$err" "no signature beside it"
# Signed by a key this node does not trust.
"$PMXSNAP" keygen --out "$scratch/other/signing.key" >/dev/null
run 1 ls_ latest --pubkey "$scratch/other/signing.pub"
one_line "$err"
contains "$err" "signature: "
pass "tampered, a signature for another file, no signature, a stranger's key: exit 1, one line naming the archive"
