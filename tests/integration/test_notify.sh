# Notifications (pmxsnap.conf(5), NOTIFICATIONS): `notify-url` pings a
# healthchecks-style service — URL/start, then URL or URL/fail with the reason
# as the body — through curl, bounded (a dead or silent URL adds at most
# 5 s and never fails the run, and the URL's secret path is never printed);
# and pmxsnap-notify, the mail of pmxsnap-notify@.service, gives one message
# to sendmail with the unit, how it ended and what to run next. The
# monitoring service is a local HTTP server on 127.0.0.1 that records the
# requests (tests/integration/http_recorder.py); the MTA is a stand-in
# sendmail that records its arguments and the message it is handed (the
# real thing would queue it for delivery). The mail with a real journal and
# a real OnFailure= is in test_systemd_units.
source "$TESTLIB"
need curl python3
src=$(cd "$(dirname "$TESTLIB")/../.." && pwd)
recorder=$src/tests/integration/http_recorder.py
servers=()
cleanup() {
  local status=$?
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  on_exit $status
}
trap cleanup EXIT
wait_for_file() { # FILE: the server's handshake, 10 s at most
  local deadline=$((SECONDS + 10))
  until [ -s "$1" ]; do
    [ $SECONDS -lt $deadline ] || fail "no $1 after 10 s"
    read -r -t 0.05 <> <(:) || true
  done
}
python3 "$recorder" record "$scratch/requests" "$scratch/port" &
servers+=($!)
python3 "$recorder" blackhole "$scratch/silent-port" &
servers+=($!)
wait_for_file "$scratch/port"
wait_for_file "$scratch/silent-port"
secret=0f3c5e1a-9d44-4a4e-8a4b-6e1f6b7a1c2d
url=http://127.0.0.1:$(cat "$scratch/port")/ping/$secret
make_node
make_key

# --- The sequence ---------------------------------------------------------------
run 0 snap --notify-url "$url"
[ "$(cat "$scratch/requests")" = "GET /ping/$secret/start
GET /ping/$secret" ] || fail "success sequence: $(cat "$scratch/requests")"
: >"$scratch/requests"
# Nothing changed: still a successful run.
run 0 snap --if-changed --notify-url "$url/"
[ "$(cat "$scratch/requests")" = "GET /ping/$secret/start
GET /ping/$secret" ] || fail "unchanged run: $(cat "$scratch/requests")"
pass "success: /start, then the URL itself (also when --if-changed writes nothing)"

: >"$scratch/requests"
run 2 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$scratch/no-such.key" \
  --notify-url "$url"
one_line "$err"
[ "$(sed -n 1p "$scratch/requests")" = "GET /ping/$secret/start" ] || fail "$(cat "$scratch/requests")"
failed=$(sed -n 2p "$scratch/requests")
contains "$failed" "POST /ping/$secret/fail "
contains "$failed" "no-such.key"
[ "$(wc -l <"$scratch/requests")" -eq 2 ] || fail "more than two requests: $(cat "$scratch/requests")"
pass "a failed run: /start, then POST /fail carrying its error (${failed#*/fail })"

# The post-command fails the run: the fail ping says so.
: >"$scratch/requests"
run 2 snap --notify-url "$url" --post-command 'exit 3'
contains "$(sed -n 2p "$scratch/requests")" "POST /ping/$secret/fail post-command exited 3"
pass "a failed post-command sends /fail"

# From pmxsnap.conf, as the service runs it.
: >"$scratch/requests"
printf '[snapshot]\nnotify-url = %s\n' "$url" >"$scratch/pmxsnap.conf"
run 0 "$PMXSNAP" --config "$scratch/pmxsnap.conf" snapshot --root "$scratch/root" --repo "$repo" \
  --key "$key" --if-changed
[ "$(wc -l <"$scratch/requests")" -eq 2 ] || fail "config file: $(cat "$scratch/requests")"
# A dry run is no run: no ping.
: >"$scratch/requests"
run 0 snap --dry-run --notify-url "$url"
[ ! -s "$scratch/requests" ] || fail "a dry run pinged: $(cat "$scratch/requests")"
pass "notify-url in [snapshot] of pmxsnap.conf pings; a dry run does not"

# --- Bounded, and never the run's failure --------------------------------------
# A server that accepts the connection and never answers (the worst case: a
# refused connection fails at once), and one that refuses.
plain_start=$(date +%s%N)
run 0 snap
plain=$((($(date +%s%N) - plain_start) / 1000000))
silent=http://127.0.0.1:$(cat "$scratch/silent-port")/ping/$secret
started=$(date +%s%N)
run 0 snap --notify-url "$silent"
took=$((($(date +%s%N) - started) / 1000000))
[ "$took" -le $((plain + 5000 + 1500)) ] ||
  fail "a silent URL took the run $took ms (plain run $plain ms; the bound is 5 s more)"
contains "$err" "notify-url http://127.0.0.1:$(cat "$scratch/silent-port")/…: the 'start' ping was not sent: no answer in time"
contains "$err" "the 'success' ping was not sent"
[[ $out$err != *"$secret"* ]] || fail "the URL's secret was printed: $out$err"
# The refused port: the listener is gone.
kill "${servers[1]}"
wait "${servers[1]}" 2>/dev/null || true
run 0 snap --notify-url "$silent" --json
contains "$out" '"written"'
contains "$out" "no connection"
[[ $out$err != *"$secret"* ]] || fail "the URL's secret was printed: $out$err"
pass "a silent URL adds $((took - plain)) ms (bound 5000 ms), a refused one is a warning; both runs exit 0 and never print the secret"

run 2 snap --notify-url "ftp://user:pw@example.org/$secret"
one_line "$err"
contains "$err" "notify-url: ftp://example.org/…: not an http:// or https:// URL"
run 2 snap --notify-url "no url"
one_line "$err"
pass "a URL that is not http(s) is a one-line error (exit 2) naming it without its secret"

# No curl: a warning, the run goes on.
mkdir "$scratch/bin"
for tool in sh; do ln -s "$(command -v $tool)" "$scratch/bin/$tool"; done
run 0 env PATH="$scratch/bin" "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$key" \
  --notify-url "$url"
contains "$err" "curl is not installed"
pass "without curl the ping is a warning"

# --- The mail -------------------------------------------------------------------
notify=$src/dist/libexec/pmxsnap-notify
# A stand-in for the MTA's sendmail: records its arguments and the message.
cat >"$scratch/sendmail" <<SINK
#!/bin/sh
n=\$(ls "$scratch/mails" | wc -l)
printf '%s\n' "\$*" >"$scratch/mails/\$n.args"
cat >"$scratch/mails/\$n.mail"
SINK
chmod +x "$scratch/sendmail"
mkdir "$scratch/mails"
run 0 env PMXSNAP_SENDMAIL="$scratch/sendmail" MONITOR_SERVICE_RESULT=exit-code MONITOR_EXIT_STATUS=1 \
  "$notify" pmxsnap-snapshot.service
[ "$(ls "$scratch/mails")" = "0.args
0.mail" ] || fail "not one mail: $(ls "$scratch/mails")"
[ "$(cat "$scratch/mails/0.args")" = "-oi -t" ] || fail "sendmail arguments: $(cat "$scratch/mails/0.args")"
mail=$(cat "$scratch/mails/0.mail")
[ "$(sed -n 1p <<<"$mail")" = "To: root" ] || fail "To: $mail"
contains "$mail" "Subject: pmxsnap: pmxsnap-snapshot.service failed on $(uname -n)"
contains "$mail" "Auto-Submitted: auto-generated"
contains "$mail" "(exit-code, exit status 1)"
contains "$mail" "pmxsnap diff latest-good live"
contains "$mail" "journalctl -u pmxsnap-snapshot.service"
rm "$scratch/mails"/*
run 0 env PMXSNAP_SENDMAIL="$scratch/sendmail" PMXSNAP_MAILTO=admin@example.org MONITOR_EXIT_STATUS=2 \
  "$notify" pmxsnap-drill.service
mail=$(cat "$scratch/mails/0.mail")
[ "$(sed -n 1p <<<"$mail")" = "To: admin@example.org" ] || fail "PMXSNAP_MAILTO: $mail"
contains "$mail" "pmxsnap verify --latest --drill"
run 1 env PMXSNAP_SENDMAIL="$scratch/no-sendmail" "$notify" pmxsnap-prune.service
contains "$err" "no MTA"
contains "$out" "pmxsnap prune --dry-run"
pass "pmxsnap-notify: one mail to root through sendmail -oi -t, with the unit, its result and the next command; PMXSNAP_MAILTO; no MTA prints the mail and exits 1"
