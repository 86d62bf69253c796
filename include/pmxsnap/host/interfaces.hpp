// The addresses and MTUs of this host's network interfaces, as the kernel
// reports them (getifaddrs, /sys/class/net). Live host only: a disk mounted
// in a rescue system has no interfaces to report.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::host {

struct InterfaceAddress {
    std::string interface; // "vmbr0"
    std::string address;   // numeric, as inet_ntop writes it: "198.18.0.11", "fd00::1"
};

std::vector<InterfaceAddress> interface_addresses();

// The interface's MTU from /sys/class/net/<name>/mtu; nullopt when unknown.
std::optional<unsigned> interface_mtu(const std::string& interface);

// Whether the interface has a link (carrier): /sys/class/net/<name>/carrier,
// else its operstate: "down" and "lowerlayerdown" have none (a
// pulled cable, a switch port or the peer of a veth set down); "up",
// "unknown" (lo, some virtual links) and "dormant" have one. nullopt when
// the interface or its state is unknown.
std::optional<bool> carrier_from_operstate(std::string_view operstate);
std::optional<bool> interface_has_carrier(const std::string& interface);

// The numeric form of an address ("fd00:0::1" → "fd00::1"), so addresses
// written differently compare equal; nullopt when text is not an address.
std::optional<std::string> canonical_address(const std::string& text);

} // namespace pmxsnap::host
