// Whether a cluster peer is there, asked of its ring addresses on
// corosync's UDP port without joining anything: an empty datagram, sent
// again every quarter second until something answers (ICMP is rate-limited).
// - refused: ICMP port unreachable — the host is up and nothing listens
//   (corosync stopped or failing, perhaps for the very reason this node's is);
// - unreachable: host or network unreachable (ARP or a router says so) — the
//   host is not there;
// - silent: no reply in time — a running corosync answers nothing to what it
//   cannot authenticate, and neither does a host behind a filtering firewall;
//   silence never shows a peer gone;
// - not_probed: not a numeric address, or the socket could not be made.
// Bounded by one timeout for all addresses together.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pmxsnap::corosync {

inline constexpr std::uint16_t knet_default_port = 5405; // pvecm never sets another

struct PortProbe {
    enum class Answer { silent, refused, unreachable, not_probed };
    std::string address; // numeric IPv4 or IPv6, as a ring address is written
    std::uint16_t port = knet_default_port;
    Answer answer = Answer::not_probed;
    std::string detail; // the errno text, or why not probed
};

std::string to_string(PortProbe::Answer answer);

// Probes every target at once; returns them with answer and detail filled.
// Linux reports an unanswered ARP as EHOSTUNREACH after about 3 s, so a
// timeout shorter than that sees a dead neighbour as silent (never as gone).
std::vector<PortProbe> probe_udp_ports(std::vector<PortProbe> targets,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(4));

} // namespace pmxsnap::corosync
