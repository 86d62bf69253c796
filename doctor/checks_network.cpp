#include "checks.hpp"
#include "situation.hpp"

#include "pmxsnap/host/interfaces.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace pmxsnap::doctor {
namespace {

// The addresses corosync runs with (CMAP when it answers), each on an
// interface with carrier; the file's, when it differs, only as what a
// restart or reload would bring.
Finding check_ring_addresses(const Inputs& in) {
    if (!in.probed_host)
        return skipped("net.ring-addr", Layer::corosync, "--offline or --root: no interfaces");
    auto running = running_ring_addresses(in);
    if (running.empty())
        return skipped("net.ring-addr", Layer::corosync,
                       "this host has no nodelist entry (see conf.nodeid-name)");
    Finding f{"net.ring-addr", Layer::corosync};
    std::vector<std::string> missing, without_carrier, pending;
    for (const auto& [ring, address] : running) {
        auto key = fmt::format("ring{}_addr", ring);
        std::string on;
        for (const auto& candidate : addresses_of(in, address))
            if (on.empty())
                on = interface_with(in, candidate);
        auto carrier = in.interface_carrier.find(on);
        bool has_carrier = carrier == in.interface_carrier.end() || carrier->second;
        f.evidence[key] = {{"address", address},
                           {"interface", on.empty() ? nullptr : nlohmann::json(on)}};
        if (!on.empty())
            f.evidence[key]["carrier"] = has_carrier;
        if (on.empty())
            missing.push_back(fmt::format("{} {}", key, address));
        else if (!has_carrier)
            without_carrier.push_back(fmt::format("{} ({} {})", on, key, address));
    }
    const auto* file_node = in.this_node();
    bool live = in.live && in.live->reachable;
    if (file_node && live)
        for (const auto& [ring, address] : file_node->ring_addresses) {
            auto now = running.find(ring);
            if (now != running.end() && now->second == address)
                continue;
            std::string on;
            for (const auto& candidate : addresses_of(in, address))
                if (on.empty())
                    on = interface_with(in, candidate);
            f.evidence[fmt::format("file_ring{}_addr", ring)] = address;
            if (on.empty())
                pending.push_back(fmt::format("ring{}_addr {}", ring, address));
        }
    std::vector<std::string> local;
    for (const auto& a : in.interfaces)
        if (a.interface != "lo")
            local.push_back(a.interface + " " + a.address);
    f.evidence["local_addresses"] = local;
    const auto& name = file_node ? file_node->name : in.node;
    if (!without_carrier.empty()) {
        auto interfaces = fmt::format("{}", fmt::join(without_carrier, ", "));
        bool all = without_carrier.size() == running.size();
        return conclude(
            std::move(f), all ? Status::fail : Status::warn,
            all ? "this node is cut off: its ring interface " + interfaces +
                      " has no carrier, so no peer can reach it"
                : "ring interface " + interfaces +
                      " has no carrier: that link is down, the other links carry corosync",
            "fix this node's network: the cable, switch port or bridge of that interface (`ip "
            "link show`); nothing in corosync.conf or on the other nodes needs to change");
    }
    if (!missing.empty())
        return conclude(std::move(f), Status::fail,
                        fmt::format("{} of node {} is on no local interface: corosync cannot "
                                    "bind its link and this node stays alone",
                                    fmt::join(missing, ", "), name),
                        "align the interface (/etc/network/interfaces, `ip addr`) or the node's "
                        "ringX_addr in the cluster-wide /etc/pve/corosync.conf before anything "
                        "else");
    if (!pending.empty())
        return conclude(std::move(f), Status::warn,
                        "corosync runs with this node's ring addresses on local interfaces; the "
                        "file gives " +
                            fmt::format("{}", fmt::join(pending, ", ")) +
                            ", on no local interface: after a restart or reload this node would "
                            "stay alone",
                        "see runtime.config-version: put the running address back in the file, "
                        "or move the interface first");
    f.meaning = "every ring address of this node is on a local interface with carrier";
    return f;
}

} // namespace

std::vector<Finding> check_network(const Inputs& in) {
    return {check_ring_addresses(in), check_name_resolution(in), check_mtu(in)};
}

} // namespace pmxsnap::doctor
