// Proxmox-style corosync.conf texts for the tests, made by code.
#pragma once

#include <fmt/format.h>

#include <string>

namespace pmxsnap::test {

// nodes: how many node sections; address_base: the first ring0_addr's last
// octet (node i gets address_base + i - 1); keyfile: totem.keyfile when set.
inline std::string proxmox_corosync_conf(int nodes, const std::string& address_prefix = "198.18.0.",
                                         int address_base = 11, const std::string& keyfile = "",
                                         int config_version = 3) {
    std::string text = "logging {\n  debug: off\n  to_syslog: yes\n}\n\nnodelist {\n";
    for (int i = 1; i <= nodes; ++i)
        text += fmt::format("  node {{\n    name: pve{}\n    nodeid: {}\n    quorum_votes: 1\n"
                            "    ring0_addr: {}{}\n  }}\n",
                            i, i, address_prefix, address_base + i - 1);
    text += "}\n\nquorum {\n  provider: corosync_votequorum\n}\n\ntotem {\n"
            "  cluster_name: demo\n";
    text += fmt::format("  config_version: {}\n", config_version);
    text += "  interface {\n    linknumber: 0\n  }\n  ip_version: ipv4-6\n"
            "  link_mode: passive\n  secauth: on\n  version: 2\n";
    if (!keyfile.empty())
        text += "  keyfile: " + keyfile + "\n";
    text += "}\n";
    return text;
}

} // namespace pmxsnap::test
