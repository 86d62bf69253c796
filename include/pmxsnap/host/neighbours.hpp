// The kernel's IPv4 neighbour (ARP) table, /proc/net/arp: whether each
// address answered ARP. An entry whose hardware address never resolved
// (flags 0x0: incomplete or failed) is a host that does not answer on the
// link — gone, or behind a dead switch — where a silent UDP port alone
// cannot tell a firewall from a missing host.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace pmxsnap::host {

// address → answered (ATF_COM set); addresses absent from the table are absent.
std::map<std::string, bool> parse_proc_net_arp(std::string_view text);
std::map<std::string, bool> arp_neighbours();

} // namespace pmxsnap::host
