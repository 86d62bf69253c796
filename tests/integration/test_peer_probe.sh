#!/usr/bin/env bash
# doctor's peer probe against a real host whose ICMP allowance is spent: a
# host sends port-unreachable to one destination at most once a second after
# a burst of six (net.ipv4.icmp_ratelimit), and a node's own knet spends it
# with pings to a peer whose corosync is stopped. One datagram then goes
# unanswered; the probe must still hear the refusal. Two network namespaces
# joined by a veth pair, 198.18.9.0/24 inside them only.
source "$TESTLIB"
: "${PORTPROBE:?}"
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
need ip sysctl
ns_id=$(( $$ % 100000 ))
prober=pxt$ns_id-pa peer=pxt$ns_id-pb
ip netns add "$prober" 2>/dev/null || skip "cannot create network namespaces here"
namespaces_down() { ip netns del "$prober" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true; }
trap 'status_seen=$?; namespaces_down; on_exit $status_seen' EXIT
ip netns add "$peer"
ip link add "pxt${ns_id}pa" netns "$prober" type veth peer name "pxt${ns_id}pb" netns "$peer"
ip -n "$prober" addr add 198.18.9.1/24 dev "pxt${ns_id}pa"
ip -n "$peer" addr add 198.18.9.2/24 dev "pxt${ns_id}pb"
for ns in "$prober" "$peer"; do ip -n "$ns" link set lo up; done
ip -n "$prober" link set "pxt${ns_id}pa" up
ip -n "$peer" link set "pxt${ns_id}pb" up
# The kernel's defaults, stated: one per second, destination unreachable
# among the limited types.
ip netns exec "$peer" sysctl -qw net.ipv4.icmp_ratelimit=1000 net.ipv4.icmp_ratemask=6168

probe() { ip netns exec "$prober" "$PORTPROBE" "$1" 198.18.9.2; }

[ "$(probe 2000)" = "198.18.9.2 refused" ] || fail "a fresh allowance: $(probe 2000)"
pass "nothing listens on the peer's port 5405: refused"

# Spend the allowance, as knet's pings do, then ask at once.
spend() { ip netns exec "$prober" bash -c 'for i in $(seq 1 20); do printf x >/dev/udp/198.18.9.2/5405; done' 2>/dev/null || true; }
spend
[ "$(probe 150)" = "198.18.9.2 silent" ] || fail "the allowance was not spent: $(probe 150)"
spend
answer=$(probe 4000)
[ "$answer" = "198.18.9.2 refused" ] || fail "with the allowance spent, the probe says: $answer"
pass "with the peer's ICMP allowance spent, one datagram goes unanswered and the probe, sending again, still hears refused"

