# The systemd units pmxsnap ships (dist/systemd/) load and stay hardened:
# systemd-analyze verify is clean on every unit in a root made of the
# package's files (so ExecStart= binaries and Documentation= pages are the
# ones installed), and shown to catch a bad OnCalendar=, an unknown key and
# a missing man page; systemd-analyze security puts the snapshot and prune
# services at an exposure of at most 2.0; the sandbox, the debounce, the
# watched paths, the schedules and the failure mail are as documented.
# What else the package holds is test_dist_package.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/dist.sh"
need systemd-analyze
build_package

# systemd-analyze verify needs the units' binaries and the units they depend
# on (sysinit.target, ...): a root made of the package's files, systemd's own
# units and sleep(1). The Documentation= pages are looked up with man(1), on
# the package's manual pages. Warnings (an unknown key, a value that does
# not parse) leave its exit status 0, so any output fails too.
cp -an "/$unitdir/." "$r/$unitdir/"
mkdir -p "$r/usr/bin" && cp /bin/sleep "$r/usr/bin/sleep" && ln -s usr/bin "$r/bin"
units=()
for unit in "$src"/dist/systemd/*; do units+=("$r/$unitdir/$(basename "$unit")"); done
run 0 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" "${units[@]}"
[ -z "$out$err" ] || fail "systemd-analyze verify: $out$err"
pass "systemd-analyze verify: ${#units[@]} units clean (binary, sleep, targets, man pages found)"

# The check is real: a misspelt key, a bad calendar and a missing man page
# are each caught.
cp "$r/$unitdir/pmxsnap-snapshot.timer" "$scratch/saved.timer"
sed -i 's/^OnCalendar=hourly/OnCalendar=hourli/' "$r/$unitdir/pmxsnap-snapshot.timer"
run 1 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-snapshot.timer"
cp "$scratch/saved.timer" "$r/$unitdir/pmxsnap-snapshot.timer"
cp "$r/$unitdir/pmxsnap-prune.service" "$scratch/saved.service"
sed -i 's/^Nice=19/Nicely=19/' "$r/$unitdir/pmxsnap-prune.service"
run 0 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-prune.service"
contains "$err" "Unknown key"
cp "$scratch/saved.service" "$r/$unitdir/pmxsnap-prune.service"
mv "$r/usr/share/man/man5/pmxsnap.conf.5.gz" "$scratch/"
run 1 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-prune.service"
contains "$err" "pmxsnap.conf(5)"
mv "$scratch/pmxsnap.conf.5.gz" "$r/usr/share/man/man5/"
pass "systemd-analyze verify catches a bad OnCalendar=, an unknown key and a missing man page"

for service in pmxsnap-snapshot.service pmxsnap-prune.service; do
  # Exposure 0.0 (locked down) to 10.0; --threshold is in tenths.
  run 0 systemd-analyze security --offline=true --root="$r" --threshold=20 --no-pager \
    "$r/$unitdir/$service"
  level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  contains "$out" "ProtectSystem="
  pass "$service: exposure $level (at most 2.0)"
done
unit=$src/dist/systemd/pmxsnap-snapshot.service
grep -qx 'ExecStart=/usr/bin/pmxsnap snapshot --if-changed' "$unit" ||
  fail "snapshot service ExecStart changed"
for setting in Type=oneshot ProtectSystem=strict ReadWritePaths=-/var/backups/pmxsnap \
  ReadWritePaths=-/var/lib/prometheus/node-exporter PrivateTmp=yes NoNewPrivileges=yes \
  ProtectHome=yes PrivateDevices=yes RestrictAddressFamilies=AF_UNIX IOSchedulingClass=idle \
  'ExecStartPre=/bin/sleep 30'; do
  grep -qx "$setting" "$unit" || fail "pmxsnap-snapshot.service lacks $setting"
done
grep -q '^CapabilityBoundingSet=CAP_DAC_READ_SEARCH' "$unit" || fail "capabilities not bounded"
grep -q '^TimeoutStartSec=' "$unit" || fail "no TimeoutStartSec="
path=$src/dist/systemd/pmxsnap-snapshot.path
grep -qx 'PathModified=/var/lib/pve-cluster/config.db-wal' "$path" || fail "path unit: db WAL"
grep -qx 'PathChanged=/etc/corosync/corosync.conf' "$path" || fail "path unit: corosync.conf"
grep -qx 'Unit=pmxsnap-snapshot.service' "$path" || fail "path unit: target"
for timer in pmxsnap-snapshot.timer pmxsnap-prune.timer pmxsnap-drill.timer; do
  grep -qx 'Persistent=true' "$src/dist/systemd/$timer" || fail "$timer not persistent"
done
grep -qx 'OnCalendar=hourly' "$src/dist/systemd/pmxsnap-snapshot.timer" || fail "snapshot timer"
grep -qx 'OnCalendar=daily' "$src/dist/systemd/pmxsnap-prune.timer" || fail "prune timer"
grep -qx 'ExecStart=/usr/bin/pmxsnap prune' "$src/dist/systemd/pmxsnap-prune.service" ||
  fail "prune service ExecStart"
grep -qx 'OnCalendar=monthly' "$src/dist/systemd/pmxsnap-drill.timer" || fail "drill timer"
grep -qx 'ExecStart=/usr/bin/pmxsnap verify --latest --drill' "$src/dist/systemd/pmxsnap-drill.service" ||
  fail "drill service ExecStart"
grep -q 'pmxsnap-drill.timer' "$src/dist/debian/postinst" || fail "postinst forgets the drill timer"
for unit in pmxsnap-snapshot.service pmxsnap-prune.service pmxsnap-drill.service pmxsnap-snapshot.path; do
  grep -qx 'OnFailure=pmxsnap-notify@%n.service' "$src/dist/systemd/$unit" || fail "$unit mails nobody on failure"
done
grep -qx 'ExecStart=/usr/lib/pmxsnap/pmxsnap-notify %i' "$src/dist/systemd/pmxsnap-notify@.service" ||
  fail "pmxsnap-notify@.service ExecStart"
pass "units: the sandbox, the debounce, the watched paths and the schedules are as documented"
