// The addresses and MTUs of this host's network interfaces, as the kernel
// reports them (getifaddrs, /sys/class/net). Live host only: a disk mounted
// in a rescue system has no interfaces to report.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::host {

struct InterfaceAddress {
    std::string interface; // "vmbr0"
    std::string address;   // numeric, as inet_ntop writes it: "198.18.0.11", "fd00::1"
};

std::vector<InterfaceAddress> interface_addresses();

// The interface's MTU from /sys/class/net/<name>/mtu; nullopt when unknown.
std::optional<unsigned> interface_mtu(const std::string& interface);

// The numeric form of an address ("fd00:0::1" → "fd00::1"), so addresses
// written differently compare equal; nullopt when text is not an address.
std::optional<std::string> canonical_address(const std::string& text);

} // namespace pmxsnap::host
