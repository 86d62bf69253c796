#include "checks.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace pmxsnap::doctor {
namespace {

std::string name_of(const corosync::LiveView& live, std::uint32_t nodeid) {
    for (const auto& node : live.nodelist)
        if (node.nodeid == nodeid && !node.name.empty())
            return node.name;
    return "nodeid " + std::to_string(nodeid);
}

std::set<std::uint32_t> joined(const corosync::LiveView& live) {
    std::set<std::uint32_t> ids;
    for (const auto& member : live.members)
        if (member.status == "joined")
            ids.insert(member.nodeid);
    return ids;
}

// A peer unreachable on every link may be down or isolated — this node
// cannot tell which (quorum.partition says who is missing). A peer reached
// on one link but not another is a network fault on that link.
Finding check_links(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("runtime.links", Layer::corosync, "corosync not probed or not reachable");
    Finding f{"runtime.links", Layer::corosync};
    std::map<std::uint32_t, std::pair<int, int>> per_peer; // connected, total
    for (const auto& link : in.live->links) {
        if (link.nodeid == in.live->local_nodeid || !link.enabled)
            continue;
        auto& [connected, total] = per_peer[link.nodeid];
        connected += link.connected ? 1 : 0;
        ++total;
        f.evidence["links"].push_back({{"node", name_of(*in.live, link.nodeid)},
                                       {"link", link.link},
                                       {"connected", link.connected}});
    }
    std::vector<std::string> faulty, unreachable;
    for (const auto& [nodeid, counts] : per_peer) {
        if (counts.first == counts.second)
            continue;
        (counts.first == 0 ? unreachable : faulty).push_back(name_of(*in.live, nodeid));
    }
    if (faulty.empty() && unreachable.empty()) {
        f.meaning =
            per_peer.empty() ? "no peers configured" : "every knet link to every peer is up";
        return f;
    }
    f.status = faulty.empty() ? Status::warn : Status::fail;
    f.evidence["faulty"] = faulty;
    f.evidence["unreachable"] = unreachable;
    f.meaning = faulty.empty()
                    ? fmt::format("no link reaches {}: the node is down or isolated",
                                  fmt::join(unreachable, ", "))
                    : fmt::format("some links to {} are down while others are up: a network "
                                  "fault on those links",
                                  fmt::join(faulty, ", "));
    f.decision = "network: VLAN, MTU, firewall (UDP 5405-5412 between the ring addresses); "
                 "`corosync-cfgtool -n` shows each link";
    return f;
}

Finding check_partition(const Inputs& in) {
    if (!in.live || !in.live->reachable)
        return skipped("quorum.partition", Layer::quorum, "corosync not probed or not reachable");
    Finding f{"quorum.partition", Layer::quorum};
    auto members = joined(*in.live);
    std::vector<std::string> present, missing;
    for (const auto& node : in.live->nodelist)
        (members.count(node.nodeid) ? present : missing).push_back(node.name);
    f.evidence = {{"members", present}, {"missing", missing}};
    if (missing.empty()) {
        f.meaning = "every node of the nodelist is a member";
        return f;
    }
    f.status = Status::warn;
    f.meaning = fmt::format("{} of {} nodes are members; missing: {}", present.size(),
                            in.live->nodelist.size(), fmt::join(missing, ", "));
    f.decision = "run `pmxsnap doctor` on a missing node too: if it sees itself alone (or with "
                 "others) it is a partition (network), if it does not answer it is down";
    return f;
}

} // namespace

std::vector<Finding> check_membership(const Inputs& in) {
    return {check_links(in), check_partition(in)};
}

} // namespace pmxsnap::doctor
