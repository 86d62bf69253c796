# Sourced by test_deb_install: the installed units run under a real systemd.
# The fresh root (pmxsnap installed by apt) boots with systemd as PID 1 in a
# container (systemd-nspawn --boot --register=no --keep-unit
# --private-network: no machined, no bus, no network needed on the machine),
# and systemctl/journalctl run in it through nsenter into its PID 1. Shown:
# the timer's run; one burst of config.db writes and a corosync.conf
# replacement gives exactly one snapshot (the service's 30 s debounce), and
# the snapshot does not trigger itself; the sandbox holds (a probe run as
# the service's ExecStartPost=, in its sandbox: /etc, /usr and
# /var/lib/pve-cluster read-only, the repository writable); a failed run
# starts pmxsnap-notify@, which hands one mail with the failed run's own
# log lines to sendmail (a stand-in for the MTA that records the message).
# Two drop-ins are the test's: the timer fires 1 s after it starts (instead
# of at the next hour), and the probe. nspawn makes and removes its own
# mounts; the caller checks findmnt before removing the root.
# Needs: $fresh (the root), run/fail/pass/contains, $MKFIXTURE output in
# $fresh/srv/node; doctor's service checks read systemd as systemctl does.
# Costs about 100 s (two debounced runs of 30 s each, the boot).
container="" pid1=""
units_under_systemd() {
  local mails=$fresh/var/lib/mail-sink
  stop_container() {
    [ -n "$container" ] && kill -0 "$container" 2>/dev/null || return 0
    [ -z "$pid1" ] || nsenter -t "$pid1" -a systemctl poweroff >/dev/null 2>&1 || kill "$container"
    local deadline=$((SECONDS + 30))
    while kill -0 "$container" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$container" 2>/dev/null && kill -KILL "$container"
    wait "$container" 2>/dev/null || true
  }
  trap 'status_seen=$?; stop_container; cleanup_fresh; on_exit $status_seen' EXIT
  in_container() { nsenter -t "$pid1" -a "$@"; }
  wait_until() { # SECONDS WHAT CMD...: polls CMD every 0.2 s until it succeeds
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || fail "not within the deadline: $what"
      sleep 0.2
    done
  }
  starts() { in_container journalctl -b -q --no-pager -u pmxsnap-snapshot.service | grep -c 'Starting pmxsnap-snapshot' || true; }
  count() { find "$fresh/var/backups/pmxsnap/demo/pve1" -name '*.pmxsnap' 2>/dev/null | wc -l; }
  service_idle_after() { # N: the service has been started N times and is not running
    [ "$(starts)" -ge "$1" ] && [ "$(in_container systemctl is-active pmxsnap-snapshot.service)" = inactive ]
  }

  # The node: its db and corosync.conf, name pve1, and the MTA stand-in.
  cp -a "$fresh/srv/node/var/lib/pve-cluster" "$fresh/var/lib/"
  mkdir -p "$fresh/etc/corosync" && cp -a "$fresh/srv/node/etc/corosync/." "$fresh/etc/corosync/"
  echo pve1 >"$fresh/etc/hostname"
  cat >"$fresh/usr/sbin/sendmail" <<'SINK'
#!/bin/sh
# A stand-in for the MTA: records each message it is handed, and its arguments.
mkdir -p /var/lib/mail-sink
n=$(ls /var/lib/mail-sink | wc -l)
echo "$*" >"/var/lib/mail-sink/$n.args"
cat >"/var/lib/mail-sink/$n.mail"
SINK
  chmod 755 "$fresh/usr/sbin/sendmail"
  mkdir -p "$fresh/etc/systemd/system/pmxsnap-snapshot.timer.d" \
    "$fresh/etc/systemd/system/pmxsnap-snapshot.service.d"
  printf '[Timer]\nOnActiveSec=1s\nRandomizedDelaySec=0\n' \
    >"$fresh/etc/systemd/system/pmxsnap-snapshot.timer.d/test.conf"
  cat >"$fresh/etc/systemd/system/pmxsnap-snapshot.service.d/probe.conf" <<'PROBE'
[Service]
ExecStartPost=/bin/sh -c '! touch /etc/pmxsnap/probe 2>/dev/null && ! touch /var/lib/pve-cluster/probe 2>/dev/null && ! touch /usr/probe 2>/dev/null && touch /var/backups/pmxsnap/probe'
PROBE
  rm -rf "$fresh/var/backups/pmxsnap/demo" "$fresh/var/backups/pmxsnap/probe"

  systemd-nspawn --boot --register=no --keep-unit --private-network --console=passive \
    --hostname=pve1 -D "$fresh" >"$scratch/nspawn.log" 2>&1 &
  container=$!
  wait_until 20 "the container's PID 1" pgrep -P "$container"
  pid1=$(pgrep -P "$container")
  wait_until 60 "systemd running in the container" \
    sh -c "nsenter -t $pid1 -a systemctl is-system-running | grep -qx -e running -e degraded"
  run 0 in_container systemctl enable --now pmxsnap-snapshot.path pmxsnap-snapshot.timer
  wait_until 90 "the timer's run" service_idle_after 1
  [ "$(in_container systemctl show -P Result pmxsnap-snapshot.service)" = success ] ||
    fail "the timer's run failed: $(in_container journalctl -q --no-pager -u pmxsnap-snapshot.service)"
  [ "$(count)" -eq 1 ] || fail "the timer's run wrote $(count) archives"
  [ -f "$fresh/var/backups/pmxsnap/probe" ] || fail "the repository was not writable for the service"
  for path in etc/pmxsnap/probe var/lib/pve-cluster/probe usr/probe; do
    [ ! -e "$fresh/$path" ] || fail "the service could write /$path"
  done
  pass "pmxsnap-snapshot.timer ran the service under systemd: one archive; /etc, /usr, /var/lib/pve-cluster read-only for it, the repository writable"

  # One burst: five db writes, corosync.conf replaced, three more writes
  # while the service waits out its debounce.
  local db=$fresh/var/lib/pve-cluster/config.db before
  before=$(sqlite3 "$db" 'select version from tree where inode = 0')
  for _ in 1 2 3 4 5; do sqlite3 "$db" 'update tree set version = version + 1 where inode = 0'; done
  cp "$fresh/etc/corosync/corosync.conf" "$fresh/etc/corosync/corosync.conf.new"
  mv "$fresh/etc/corosync/corosync.conf.new" "$fresh/etc/corosync/corosync.conf"
  wait_until 10 "the path unit starting the service" \
    sh -c "[ \$(nsenter -t $pid1 -a systemctl is-active pmxsnap-snapshot.service) = activating ]"
  for _ in 1 2 3; do sqlite3 "$db" 'update tree set version = version + 1 where inode = 0'; done
  wait_until 90 "the burst's run" service_idle_after 2
  [ "$(count)" -eq 2 ] || fail "the burst gave $(($(count) - 1)) archives"
  run 0 in_container journalctl -b -q --no-pager -u pmxsnap-snapshot.service
  contains "$out" "db version $((before + 8)),"
  # The snapshot opened the db (read-only, the sandbox): no start follows.
  sleep 3 # a negative check: 3 s in which a self-triggered start would show
  [ "$(starts)" -eq 2 ] && [ "$(in_container systemctl is-active pmxsnap-snapshot.path)" = active ] ||
    fail "the path unit started the service again: $(starts) starts"
  pass "one burst of 8 db writes and a corosync.conf replacement: exactly one snapshot (db version $((before + 8))), no self-trigger"

  # A failed run: prune with a policy that does not parse.
  printf '[prune]\nkeep-last = soon\n' >>"$fresh/etc/pmxsnap/pmxsnap.conf"
  run 1 in_container systemctl start pmxsnap-prune.service
  wait_until 30 "the failure mail" test -s "$mails/0.mail"
  wait_until 30 "pmxsnap-notify@ finished" sh -c \
    "[ \$(nsenter -t $pid1 -a systemctl is-active pmxsnap-notify@pmxsnap-prune.service.service) = inactive ]"
  [ "$(ls "$mails" | grep -c '\.mail$')" -eq 1 ] || fail "not one mail: $(ls "$mails")"
  [ "$(cat "$mails/0.args")" = "-oi -t" ] || fail "sendmail arguments: $(cat "$mails/0.args")"
  local mail
  mail=$(cat "$mails/0.mail")
  contains "$mail" "Subject: pmxsnap: pmxsnap-prune.service failed on pve1"
  contains "$mail" "(exit-code, exit status 2)"
  contains "$mail" "pmxsnap prune --dry-run"
  contains "$mail" "keep-last"
  contains "$mail" "Failed with result 'exit-code'"
  pass "a failed pmxsnap-prune.service started pmxsnap-notify@: one mail to root with the run's log lines and the next command"

  # doctor's service checks read systemd over D-Bus: what they say is what
  # systemctl says in the same container (no corosync or pve-cluster here).
  local unit id expected
  out=$(in_container pmxsnap doctor --json 2>/dev/null) || true
  for unit in corosync pve-cluster; do
    id=service.$unit
    expected="$(in_container systemctl show -P LoadState "$unit.service") $(in_container systemctl show -P ActiveState "$unit.service") $(in_container systemctl show -P SubState "$unit.service")"
    [ "$(jq -r --arg id "$id" '.findings[] | select(.id == $id) | "\(.evidence.load_state) \(.evidence.active_state) \(.evidence.sub_state)"' <<<"$out")" = "$expected" ] ||
      fail "$id disagrees with systemctl ($expected): $(jq -c --arg id "$id" '.findings[] | select(.id == $id)' <<<"$out")"
  done
  [ "$(jq -r '.findings[] | select(.id == "service.corosync") | .status' <<<"$out")" = fail ] || fail "service.corosync: $out"
  pass "doctor's service.corosync and service.pve-cluster under systemd read what systemctl shows ($expected for pve-cluster.service), corosync.service absent is a fail"
  stop_container
  container="" pid1=""
}
