# The node profile (issue 23), end to end on a PVE 9 fixture node with every
# category populated (pinned NIC .link files, fstab, multipath, iSCSI with
# CHAP, vfio options, deb822 sources, dpkg/apt state, cron, mail):
# - an unencrypted snapshot holds every category's files but no private host
#   key and no iscsid.conf with CHAP credentials, and says so; an encrypted
#   one with --include-host-keys holds them all; --include-host-keys is
#   refused without encryption; the manifest records the profile;
# - pmxsnap.conf's [snapshot] include/exclude change it and are validated;
# - restore apply --host-files all,corosync into an empty root reproduces
#   every non-storage file byte for byte with mode and owner; its dry run
#   shows a diff per file, never a secret; a replaced file is kept; storage
#   is never installed by all and its check names each fstab line's device.
source "$TESTLIB"
need jq age age-keygen zstd tar cmp ssh-keygen
make_node --preset typical --guests 5 --node-profile
make_key
root=$scratch/root
age-keygen -o "$scratch/age.key" 2>/dev/null
recipient=$(age-keygen -y "$scratch/age.key")
# One fstab line whose device exists on every machine, to see "present".
echo "/dev/null /srv/null none bind 0 0" >>"$root/etc/fstab"
members() { case "$1" in *.age) age -d -i "$scratch/age.key" "$1" ;; *) cat "$1" ;; esac | zstd -dc | tar -t; }
member() { case "$1" in *.age) age -d -i "$scratch/age.key" "$1" ;; *) cat "$1" ;; esac | zstd -dc | tar -xO "$2"; }

# Every file of every category on the fixture, as the profile names them.
(cd "$root" && find etc/network etc/systemd/network usr/local/lib/systemd/network etc/udev/rules.d \
  etc/hostname etc/hosts etc/resolv.conf etc/ssh etc/corosync/corosync.conf \
  etc/fstab etc/lvm/lvm.conf etc/multipath.conf etc/multipath etc/iscsi \
  etc/kernel/cmdline etc/default/grub etc/modules etc/modules-load.d etc/modprobe.d \
  etc/apt etc/vzdump.conf etc/cron.d var/spool/cron/crontabs/root etc/aliases etc/postfix/main.cf \
  -type f | sort) >"$scratch/profile-files"
[ "$(wc -l <"$scratch/profile-files")" -ge 30 ] || fail "the fixture lacks profile files: $(cat "$scratch/profile-files")"
secret() { case "$1" in etc/ssh/ssh_host_*_key | etc/iscsi/iscsid.conf) return 0;; esac; return 1; }

run 2 snap --include-host-keys
one_line "$err"; contains "$err" "--include-host-keys: the private SSH host keys are stored only in encrypted archives"
[ -z "$(archives)" ] || fail "a refused snapshot wrote something"
pass "--include-host-keys without encryption: exit 2, one line, nothing written"

run 0 snap --json
plain=$(jq -r .archive <<<"$out")
members "$plain" >"$scratch/plain-members"
while read -r file; do
  if secret "$file"; then
    if grep -qx "host/$file" "$scratch/plain-members"; then fail "unencrypted archive holds the secret $file"; fi
  else
    grep -qx "host/$file" "$scratch/plain-members" || fail "unencrypted archive lacks $file"
  fi
done <"$scratch/profile-files"
[ "$(jq -r '[.withheld[].path] | join(" ")' <<<"$out")" = \
  "/etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_rsa_key /etc/iscsi/iscsid.conf" ] ||
  fail "withheld: $out"
member "$plain" MANIFEST.json >"$scratch/plain-manifest"
[ "$(jq -c '.profile | [.name, (.categories | join(",")), .host_keys, (.withheld | length)]' "$scratch/plain-manifest")" = \
  '["default","network,identity,corosync,storage,boot,apt,jobs,mail",false,4]' ] ||
  fail "manifest profile: $(jq -c .profile "$scratch/plain-manifest")"
[ "$(member "$plain" host/var/lib/pmxsnap/apt-manual-packages)" = "$(printf 'openssh-server\nproxmox-ve\nvim')" ] ||
  fail "apt-mark showmanual list: $(member "$plain" host/var/lib/pmxsnap/apt-manual-packages)"
if member "$plain" MANIFEST.json | grep -q PMXSNAP-SECRET-; then fail "a secret in the manifest"; fi
members "$plain" | while read -r m; do case "$m" in host/*) ;; *) continue;; esac
  if member "$plain" "$m" | grep -q PMXSNAP-SECRET-; then fail "a secret in $m of the unencrypted archive"; fi; done
echo "# changed" >>"$root/etc/aliases"
run 0 snap --if-changed
contains "$out" "secrets not archived: /etc/ssh/ssh_host_ecdsa_key, /etc/ssh/ssh_host_ed25519_key, /etc/ssh/ssh_host_rsa_key, /etc/iscsi/iscsid.conf"
pass "unencrypted: every category's files, no private key nor CHAP secret, apt's manual list, the profile and what was withheld recorded and said"

run 0 snap --recipient "$recipient" --include-host-keys --json
enc=$(jq -r .archive <<<"$out")
[ "$(jq -r '.withheld | length' <<<"$out")" = 0 ] || fail "encrypted withheld: $out"
members "$enc" >"$scratch/enc-members"
while read -r file; do
  grep -qx "host/$file" "$scratch/enc-members" || fail "encrypted archive lacks $file"
  member "$enc" "host/$file" | cmp -s - "$root/$file" || fail "encrypted archive's $file differs"
done <"$scratch/profile-files"
pass "encrypted with --include-host-keys: every profile file, private host keys and iscsid.conf included, byte for byte"

# pmxsnap.conf: categories and paths in and out, validated.
mkdir -p "$root/etc/sysctl.d" && echo "vm.swappiness = 10" >"$root/etc/sysctl.d/99-pve.conf"
conf=$scratch/pmxsnap.conf
printf '[snapshot]\nexclude = ["mail", "/etc/cron.d/*"]\ninclude = /etc/sysctl.d/*.conf\n' >"$conf"
run 0 snap --config "$conf" --json
custom=$(jq -r .archive <<<"$out")
members "$custom" >"$scratch/custom-members"
grep -qx host/etc/sysctl.d/99-pve.conf "$scratch/custom-members" || fail "include path not captured"
if grep -q "host/etc/aliases\|host/etc/postfix\|host/etc/cron.d/" "$scratch/custom-members"; then fail "excluded files captured"; fi
[ "$(member "$custom" MANIFEST.json | jq -c '.profile | [.name, (.categories | index("mail")), .include, .exclude]')" = \
  '["custom",null,["/etc/sysctl.d/*.conf"],["/etc/cron.d/*"]]' ] || fail "custom profile: $(member "$custom" MANIFEST.json | jq -c .profile)"
bad() {
  printf '[snapshot]\n%s\n' "$1" >"$conf"
  run 2 snap --config "$conf"
  one_line "$err"; contains "$err" "$2"
}
bad "include = /etc/pve/storage.cfg" "include /etc/pve/storage.cfg: /etc/pve is captured from config.db"
bad "include = etc/hosts" "include etc/hosts: not a category"
bad "include = /root/.bashrc" "not under /etc, /usr/local/lib/systemd or /var/spool/cron"
bad "include = /etc/ssh/ssh_host_rsa_key" "a secret"
bad "include = /etc/../root/x" "not a plain path"
bad "exclude = corosync" "corosync.conf is always captured"
mkfifo "$root/etc/a-fifo"
bad "include = /etc/a-fifo" "is not a regular file"
rm "$root/etc/a-fifo"
pass "pmxsnap.conf include/exclude: categories and globs in and out, recorded as custom; bad values one line each, exit 2"

# Diff: a changed private key and CHAP password never shown without --show-secrets.
sed -i 's/^node.session.auth.password = .*/node.session.auth.password = PMXSNAP-SECRET-changed/' "$root/etc/iscsi/iscsid.conf"
head -c 100 /dev/urandom | base64 >"$root/etc/ssh/ssh_host_rsa_key"
run 0 snap --recipient "$recipient" --include-host-keys --json
enc2=$(jq -r .archive <<<"$out")
run 1 "$PMXSNAP" diff --repo "$repo" --pubkey "$pub" --identity "$scratch/age.key" "$enc" "$enc2"
contains "$out" "/etc/ssh/ssh_host_rsa_key"; contains "$out" "/etc/iscsi/iscsid.conf"
if grep -q PMXSNAP-SECRET- <<<"$out$err"; then fail "diff shows a secret: $out"; fi
run 1 "$PMXSNAP" diff --repo "$repo" --pubkey "$pub" --identity "$scratch/age.key" "$enc" "$enc2" --show-secrets
contains "$out" "PMXSNAP-SECRET-changed"
pass "diff masks the private host key and the CHAP password unless --show-secrets"

# restore apply --host-files into an empty root: every non-storage file.
new=$scratch/new
mkdir "$new"
apply() { "$PMXSNAP" restore apply --root "$new" --pubkey "$pub" --identity "$scratch/age.key" "$@"; }
run 2 apply "$enc" --host-files network,bogus --dry-run
one_line "$err"; contains "$err" "--host-files network,bogus: 'bogus' is not a category"
run 0 apply "$enc" --host-files all,corosync --dry-run
contains "$out" "would install"; contains "$out" "$new/etc/hostname: new file"
contains "$out" "+++ b/etc/modprobe.d/vfio.conf"; contains "$out" "+options vfio-pci ids=10de:1b80,10de:10f0 disable_vga=1"
contains "$out" "$new/etc/ssh/ssh_host_rsa_key: secret: content not shown"
if grep -q PMXSNAP-SECRET- <<<"$out$err"; then fail "the dry run shows a secret"; fi
[ -z "$(ls -A "$new")" ] || fail "the dry run wrote something"
contains "$out" "not installed: /etc/fstab (storage: never installed by \`all\`"
contains "$out" "storage check"
grep -q "missing .*/etc/fstab line 3: UUID=.* /boot/efi: /dev/disk/by-uuid/.* does not exist here" <<<"$out" || fail "fstab UUID line: $out"
grep -q "not a device .*/etc/fstab line 5: proc /proc" <<<"$out" || fail "fstab proc line: $out"
grep -q "present .*/etc/fstab line 6: /dev/null /srv/null: /dev/null exists here" <<<"$out" || fail "fstab /dev/null line: $out"
grep -q "missing .*multipath WWID 3600a0980" <<<"$out" || fail "multipath: $out"
grep -q "missing .*iSCSI initiator iqn.1993-08.org.debian:01:" <<<"$out" || fail "iSCSI: $out"
contains "$out" "apt-get install \$(pmxsnap cat $enc /var/lib/pmxsnap/apt-manual-packages)"
run 0 apply "$enc" --host-files all,corosync --yes
count=0
while read -r file; do
  case "$file" in etc/fstab | etc/lvm/* | etc/multipath* | etc/iscsi/*)
    [ ! -e "$new/$file" ] || fail "all installed the storage file $file"; continue;; esac
  cmp -s "$root/$file" "$new/$file" 2>/dev/null || [ "$file" = etc/ssh/ssh_host_rsa_key ] || [ "$file" = etc/aliases ] ||
    fail "$file differs after apply"
  member "$enc" "host/$file" | cmp -s - "$new/$file" || fail "$file is not the archived one"
  [ "$(stat -c '%a %u %g' "$root/$file")" = "$(stat -c '%a %u %g' "$new/$file")" ] ||
    fail "$file: mode/owner $(stat -c '%a %u %g' "$new/$file"), on the node $(stat -c '%a %u %g' "$root/$file")"
  count=$((count + 1))
done <"$scratch/profile-files"
[ "$count" -ge 25 ] || fail "only $count files compared"
if [ "$(id -u)" = 0 ]; then
  [ "$(stat -c '%a %u %g' "$new/var/spool/cron/crontabs/root")" = "600 0 101" ] || fail "crontab owner not kept"
fi
pass "apply --host-files all,corosync into an empty root: $count non-storage files byte for byte with mode and owner; storage not installed, checked per fstab line, WWID and initiator"

# A replaced file is kept, and the dry run shows the diff against it.
echo "198.18.9.9 wrong" >"$new/etc/hosts"
run 0 apply "$enc" --host-files identity --dry-run
contains "$out" "-198.18.9.9 wrong"
run 0 apply "$enc" --host-files identity --yes
cmp -s "$new/etc/hosts" "$root/etc/hosts" || fail "hosts not restored"
grep -qx "198.18.9.9 wrong" "$new/etc/hosts".pmxsnap-* || fail "the replaced hosts was not kept"
# A file of interfaces.d is kept outside it: ifupdown2 sources interfaces.d/*
# whole, and would read a kept copy beside the file as one more file.
echo "iface wrong inet manual" >"$new/etc/network/interfaces.d/storage"
run 0 apply "$enc" --host-files network --yes
cmp -s "$new/etc/network/interfaces.d/storage" "$root/etc/network/interfaces.d/storage" ||
  fail "interfaces.d/storage not restored"
[ -z "$(find "$new/etc/network/interfaces.d" -name '*.pmxsnap-*')" ] ||
  fail "a kept copy inside interfaces.d: $(ls "$new/etc/network/interfaces.d")"
grep -qx "iface wrong inet manual" "$new/etc/network/interfaces.d.pmxsnap-kept"/storage.pmxsnap-* ||
  fail "the replaced interfaces.d/storage was not kept in interfaces.d.pmxsnap-kept/"
[ "$(stat -c %a "$new/etc/network/interfaces.d.pmxsnap-kept")" = 700 ] || fail "the kept directory is not 0700"
run 0 apply "$enc" --host-files storage --yes
cmp -s "$new/etc/fstab" "$root/etc/fstab" || fail "--host-files storage did not install fstab"
# An unencrypted archive has no private host keys: their public halves stay out.
run 0 apply "$plain" --host-files identity --dry-run
contains "$out" "not installed: /etc/ssh/ssh_host_rsa_key.pub (its private half is not archived"
pass "a replaced file is kept as .pmxsnap-<stamp> (a *.d directory's in <dir>.pmxsnap-kept/); the dry run diffs against it; storage only when named; public host keys never without their private halves"

# The same-name reinstall plan, with and without the archived private host
# keys, as reviewed in tests/golden; every command it prints is accepted by
# the tool it names: pmxsnap's by pmxsnap (accept_printed_commands), the key
# cleanup by the real sed and ssh-keygen on copies of the files they edit.
golden=$(dirname "$TESTLIB")/../golden
export PMXSNAP_IDENTITY=$scratch/age.key
: >"$scratch/commands"; : >"$scratch/other-commands"
for variant in host-keys no-host-keys; do
  a=$enc; [ "$variant" = host-keys ] || a=$plain
  run 0 "$PMXSNAP" restore plan "$a" --pubkey "$pub" --root "$root" --offline --scenario rejoin
  got=$(sed "s|$a|ARCHIVE|g" <<<"$out")
  diff -u "$golden/restore-plan-reinstall-$variant.txt" <(printf '%s\n' "$got") >"$scratch/plan.diff" ||
    fail "plan differs from tests/golden/restore-plan-reinstall-$variant.txt: $(cat "$scratch/plan.diff")"
  run 0 "$PMXSNAP" restore plan "$a" --pubkey "$pub" --root "$root" --offline --scenario rejoin --json
  jq -r '.steps[].command | select(startswith("pmxsnap "))' <<<"$out" >>"$scratch/commands"
  jq -r '.steps[].command' <<<"$out" | sed 's/ && /\n/g' | grep -E '^(ssh-keygen|sed) ' >>"$scratch/other-commands" || true
done
contains "$(cat "$scratch/other-commands")" "ssh-keygen -f /etc/pve/priv/known_hosts -R pve1"
run 0 "$PMXSNAP" restore apply "$enc" --root "$new" --pubkey "$pub" --host-files apt --dry-run
grep -o '\$(pmxsnap cat [^)]*)' <<<"$out" | sed 's/^\$(//; s/)$//' >>"$scratch/commands"
accept_printed_commands "$scratch/commands" "$root" "$repo"
mkdir -p "$scratch/keys-edit"
for f in known_hosts root_known_hosts; do
  printf 'pve1 ssh-ed25519 AAAAold\n198.18.0.11 ssh-ed25519 AAAAold\npve2 ssh-ed25519 AAAAkeep\n' >"$scratch/keys-edit/$f"
done
printf 'ssh-rsa AAAAold root@pve1\nssh-rsa AAAAkeep root@pve2\n' >"$scratch/keys-edit/authorized_keys"
while IFS= read -r command; do
  command=${command//\/etc\/pve\/priv\//$scratch/keys-edit/}
  command=${command//\/root\/.ssh\/known_hosts/$scratch/keys-edit/root_known_hosts}
  eval "$command" >/dev/null 2>&1 || fail "the tool rejects a command the plan printed: $command"
  checked=$((checked + 1))
done < <(sort -u "$scratch/other-commands")
for f in known_hosts root_known_hosts authorized_keys; do
  if grep -q "AAAAold" "$scratch/keys-edit/$f"; then fail "the printed cleanup left the old key in $f"; fi
  grep -q "AAAAkeep" "$scratch/keys-edit/$f" || fail "the printed cleanup removed another node's key from $f"
done
pass "reinstall plans with and without archived host keys equal the golden files; their $checked commands are accepted (pmxsnap, sed, ssh-keygen)"
