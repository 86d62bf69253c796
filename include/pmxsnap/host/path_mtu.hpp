// Whether the network path to an address carries packets of a given size
// without fragmenting them, asked as `ping -M do -s SIZE` asks it: one echo
// request with the don't-fragment bit, every probe started at once and all
// of them bounded by one deadline. Read-only; sends one ICMP packet each.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::host {

struct PathProbe {
    std::string address;      // numeric IPv4 or IPv6
    unsigned packet_size = 0; // the whole IP packet, as an interface MTU counts it
};

// One answer per probe, in order: true when the echo came back, false when
// it did not (or ping refused the size), nullopt when ping could not be run
// (not installed). Returns by `limit` however the network behaves.
std::vector<std::optional<bool>> probe_paths(const std::vector<PathProbe>& probes,
                                             std::chrono::milliseconds limit);

} // namespace pmxsnap::host
