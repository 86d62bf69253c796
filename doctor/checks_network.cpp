#include "checks.hpp"

#include "pmxsnap/host/interfaces.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace pmxsnap::doctor {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// A ring address is either numeric or a name corosync resolves itself.
std::vector<std::string> addresses_of(const Inputs& in, const std::string& ring_address) {
    if (auto numeric = host::canonical_address(ring_address))
        return {*numeric};
    auto it = in.resolved.find(ring_address);
    return it == in.resolved.end() ? std::vector<std::string>{} : it->second;
}

std::string interface_with(const Inputs& in, const std::string& address) {
    for (const auto& a : in.interfaces)
        if (a.address == address)
            return a.interface;
    return {};
}

Finding check_ring_addresses(const Inputs& in) {
    if (!in.probed_host)
        return skipped("net.ring-addr", Layer::corosync, "--offline or --root: no interfaces");
    const auto* node = in.this_node();
    if (!node)
        return skipped("net.ring-addr", Layer::corosync,
                       "this host has no nodelist entry (see conf.nodeid-name)");
    Finding f{"net.ring-addr", Layer::corosync};
    std::vector<std::string> missing;
    for (const auto& [ring, address] : node->ring_addresses) {
        auto key = fmt::format("ring{}_addr", ring);
        std::string on;
        for (const auto& candidate : addresses_of(in, address))
            if (on.empty())
                on = interface_with(in, candidate);
        f.evidence[key] = {{"address", address},
                           {"interface", on.empty() ? nullptr : nlohmann::json(on)}};
        if (on.empty())
            missing.push_back(fmt::format("{} {}", key, address));
    }
    std::vector<std::string> local;
    for (const auto& a : in.interfaces)
        if (a.interface != "lo")
            local.push_back(a.interface + " " + a.address);
    f.evidence["local_addresses"] = local;
    if (missing.empty()) {
        f.meaning = "every ring address of this node is on a local interface";
        return f;
    }
    f.status = Status::fail;
    f.meaning = fmt::format("{} of node {} is on no local interface: corosync cannot bind its "
                            "link and this node stays alone",
                            fmt::join(missing, ", "), node->name);
    f.decision = "align the interface (/etc/network/interfaces, `ip addr`) or the node's "
                 "ringX_addr in the cluster-wide /etc/pve/corosync.conf before anything else";
    return f;
}

Finding check_name_resolution(const Inputs& in) {
    const auto* config = in.effective_config();
    if (!config || in.node.empty())
        return skipped("net.name-resolution", Layer::corosync,
                       "no parsable corosync.conf or no hostname");
    Finding f{"net.name-resolution", Layer::corosync};
    f.evidence["source"] = in.resolution_source;
    std::vector<std::string> problems;
    for (const auto& node : config->nodes) {
        auto ring = node.ring_addresses.find(0);
        if (node.name.empty() || ring == node.ring_addresses.end())
            continue;
        auto resolved =
            in.resolved.count(node.name) ? in.resolved.at(node.name) : std::vector<std::string>{};
        auto expected = host::canonical_address(ring->second);
        f.evidence["names"][node.name] = {{"resolves_to", resolved}, {"ring0_addr", ring->second}};
        if (!expected || resolved.empty() || contains(resolved, *expected))
            continue;
        problems.push_back(fmt::format("{} resolves to {}, its ring0_addr is {}", node.name,
                                       fmt::join(resolved, " "), ring->second));
    }
    if (in.resolution_timed_out)
        problems.push_back("the resolver did not answer within 2 s (an unreachable DNS server?)");
    if (problems.empty()) {
        f.meaning = "every node name that resolves points at its ring0_addr";
        return f;
    }
    f.status = Status::warn;
    f.evidence["problems"] = problems;
    f.meaning = "names and ring addresses disagree: pmxcfs, migration and SSH between nodes use "
                "the names, corosync the addresses";
    f.decision = "pin the cluster's node names to their ring0_addr in /etc/hosts on every node "
                 "(DNS changed, or a stale /etc/hosts entry)";
    return f;
}

// knet reports each link's path MTU; peers reached through a smaller MTU
// than the rest show a lower value.
Finding check_mtu(const Inputs& in) {
    if (!in.probed_host)
        return skipped("net.mtu", Layer::corosync, "--offline or --root: no interfaces");
    const auto* node = in.this_node();
    Finding f{"net.mtu", Layer::corosync};
    std::set<unsigned> interface_mtus;
    if (node)
        for (const auto& [ring, address] : node->ring_addresses)
            for (const auto& candidate : addresses_of(in, address)) {
                auto interface = interface_with(in, candidate);
                auto mtu = in.interface_mtus.find(interface);
                if (mtu == in.interface_mtus.end())
                    continue;
                f.evidence["interfaces"][interface] = mtu->second;
                interface_mtus.insert(mtu->second);
            }
    std::map<unsigned, std::vector<std::uint32_t>> knet; // path MTU → peers
    if (in.live && in.live->reachable)
        for (const auto& link : in.live->links)
            if (link.nodeid != in.live->local_nodeid && link.connected && link.mtu > 0) {
                knet[link.mtu].push_back(link.nodeid);
                f.evidence["knet_link_mtu"][std::to_string(link.nodeid)] = link.mtu;
            }
    if (interface_mtus.empty() && knet.empty())
        return skipped("net.mtu", Layer::corosync, "no ring interface or knet link MTU known");
    if (interface_mtus.size() <= 1 && knet.size() <= 1) {
        f.meaning = "one MTU on the corosync network as far as this node sees";
        return f;
    }
    f.status = Status::warn;
    std::vector<unsigned> path_mtus;
    for (const auto& [mtu, peers] : knet)
        path_mtus.push_back(mtu);
    f.meaning = knet.size() > 1 ? fmt::format("knet found path MTUs {} to its peers: some path "
                                              "is narrower than the rest",
                                              fmt::join(path_mtus, ", "))
                                : "this node's ring interfaces have different MTUs";
    f.decision = "keep the corosync network at one MTU end to end (interfaces, bridges, "
                 "switches); check with `ping -M do -s SIZE` between the ring addresses";
    return f;
}

} // namespace

std::vector<Finding> check_network(const Inputs& in) {
    return {check_ring_addresses(in), check_name_resolution(in), check_mtu(in)};
}

} // namespace pmxsnap::doctor
