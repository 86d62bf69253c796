#include "checks.hpp"
#include "situation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <ranges>
#include <set>

namespace pmxsnap::doctor {
namespace {

// What net.mtu compares: this node's ring interfaces and knet links now,
// against what the newest snapshots recorded and what the paths carry.
struct MtuReview {
    const Inputs& in;
    Finding& f;
    std::vector<std::string> problems;
    std::map<std::string, unsigned> now; // ring interface → MTU

    const Inputs::RecordedMtus* own_record() const {
        for (const auto& record : in.recorded_mtus)
            if (record.node == in.node)
                return &record;
        return nullptr;
    }

    void read_interfaces() {
        for (const auto& interface : assess(in).ring_interfaces)
            if (auto it = in.interface_mtus.find(interface); it != in.interface_mtus.end()) {
                now[interface] = it->second;
                f.evidence["interfaces"][interface] = it->second;
            }
        if (std::set<unsigned> values(std::views::values(now).begin(),
                                      std::views::values(now).end());
            values.size() > 1)
            problems.emplace_back("this node's ring interfaces have different MTUs");
    }

    // A drop against this node's own last snapshot, interface by interface.
    void against_own_record() {
        const auto* record = own_record();
        if (!record)
            return;
        for (const auto& [interface, mtu] : now)
            if (auto was = record->ring_interfaces.find(interface);
                was != record->ring_interfaces.end() && was->second != mtu)
                problems.push_back(fmt::format("{} has MTU {} now, {} in this node's last "
                                               "snapshot ({})",
                                               interface, mtu, was->second, record->snapshot));
        if (!in.live || !in.live->reachable)
            return;
        for (const auto& link : in.live->links)
            if (auto was = record->knet.find(link.nodeid); link.connected && link.mtu > 0 &&
                                                           was != record->knet.end() &&
                                                           link.mtu < was->second)
                problems.push_back(fmt::format("knet's path MTU to {} is {} now, {} in this node's "
                                               "last snapshot",
                                               name_of(*in.live, link.nodeid), link.mtu,
                                               was->second));
    }

    // Peers' ring interfaces as their newest snapshots recorded them.
    void against_peers() {
        if (now.empty())
            return;
        unsigned mine = std::ranges::max(std::views::values(now));
        std::map<unsigned, std::vector<std::string>> peers; // their MTU → names
        for (const auto& record : in.recorded_mtus) {
            if (record.node == in.node || record.ring_interfaces.empty())
                continue;
            f.evidence["recorded"][record.node] = record.ring_interfaces;
            unsigned theirs = std::ranges::max(std::views::values(record.ring_interfaces));
            if (theirs != mine)
                peers[theirs].push_back(record.node);
        }
        for (const auto& [mtu, names] : peers)
            problems.push_back(
                fmt::format("{} recorded MTU {} on {} ring interface{} (their "
                            "newest snapshot{}); this node has {}",
                            fmt::join(names, ", "), mtu, names.size() > 1 ? "their" : "its",
                            names.size() > 1 ? "s" : "", names.size() > 1 ? "s" : "", mine));
    }

    void knet_now() {
        if (!in.live || !in.live->reachable)
            return;
        std::set<unsigned> path_mtus;
        for (const auto& link : in.live->links)
            if (link.nodeid != in.live->local_nodeid && link.connected && link.mtu > 0) {
                path_mtus.insert(link.mtu);
                f.evidence["knet_link_mtu"][name_of(*in.live, link.nodeid)] = link.mtu;
            }
        if (path_mtus.size() > 1)
            problems.push_back(fmt::format("knet found path MTUs {} to its peers: some path is "
                                           "narrower than the rest",
                                           fmt::join(path_mtus, ", ")));
    }

    // Don't-fragment pings: a path that carries 576 but not the ring MTU.
    void probes() {
        for (const auto& probe : in.path_mtu_probes) {
            auto& e = f.evidence["path_probe"][probe.peer];
            e = {{"address", probe.address}, {"size", probe.size}};
            if (probe.full)
                e["full_size_answered"] = *probe.full;
            if (probe.minimum)
                e["minimum_size_answered"] = *probe.minimum;
            if (probe.full == false && probe.minimum == true)
                problems.push_back(fmt::format("the path to {} ({}) does not carry {}-byte "
                                               "packets unfragmented (`ping -M do -s {}` got no "
                                               "answer; 576-byte ones pass)",
                                               probe.peer, probe.address, probe.size,
                                               probe.size - 28));
        }
    }
};

} // namespace

Finding check_mtu(const Inputs& in) {
    if (!in.probed_host)
        return skipped("net.mtu", Layer::corosync, "--offline or --root: no interfaces");
    Finding f{"net.mtu", Layer::corosync};
    MtuReview review{in, f, {}, {}};
    review.read_interfaces();
    review.against_own_record();
    review.against_peers();
    review.knet_now();
    review.probes();
    if (review.now.empty() && !f.evidence.contains("knet_link_mtu"))
        return skipped("net.mtu", Layer::corosync, "no ring interface or knet link MTU known");
    if (review.problems.empty()) {
        f.meaning = fmt::format("one MTU on the corosync network as far as this node sees ({} "
                                "snapshot records, {} paths probed)",
                                in.recorded_mtus.size(), in.path_mtu_probes.size());
        return f;
    }
    return conclude(std::move(f), Status::warn, fmt::format("{}", fmt::join(review.problems, "; ")),
                    "keep the corosync network at one MTU end to end (interfaces, bridges, "
                    "switches): put the MTU back where it dropped; check with `ping -M do -s "
                    "SIZE` between the ring addresses (SIZE = MTU - 28)");
}

} // namespace pmxsnap::doctor
