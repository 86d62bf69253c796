// Name resolution as this host does it: getaddrinfo on the live host (the
// resolver order of nsswitch: /etc/hosts, then DNS), and under --root the
// root's /etc/hosts alone (a rescue system's resolver says nothing about the
// broken node's).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::host {

// Every address a hosts(5) file gives the name (canonical numeric form), in
// file order; empty when the file does not name it.
std::vector<std::string> hosts_file_addresses(std::string_view hosts_text, std::string_view name);

// getaddrinfo for each name, bounded in time as a whole (a resolver waiting on
// an unreachable DNS server must not hang doctor). A name that does not
// resolve, or is not reached in time, maps to no addresses.
struct Resolution {
    std::map<std::string, std::vector<std::string>> addresses;
    bool timed_out = false;
};
Resolution resolve_names(const std::vector<std::string>& names, std::chrono::milliseconds timeout);

} // namespace pmxsnap::host
