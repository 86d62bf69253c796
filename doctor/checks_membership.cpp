#include "checks.hpp"
#include "situation.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace pmxsnap::doctor {
namespace {

std::set<std::uint32_t> joined(const corosync::LiveView& live) {
    std::set<std::uint32_t> ids;
    for (const auto& member : live.members)
        if (member.status == "joined")
            ids.insert(member.nodeid);
    return ids;
}

// No link reaches any peer: this node cut off, or every peer down — told
// apart by carrier and by what the peers' ring addresses answered.
Finding every_link_down(Finding f, const Situation& s) {
    auto peers = fmt::format("{}", fmt::join(s.peers, ", "));
    nlohmann::json answers = nlohmann::json::object();
    for (const auto& [list, answer] :
         {std::pair{&s.peers_stopped, "refused"}, std::pair{&s.peers_gone, "unreachable"},
          std::pair{&s.peers_silent, "silent"}})
        for (const auto& name : *list)
            answers[name] = answer;
    f.evidence["peer_port_answers"] = answers;
    f.status = s.cut_off() ? Status::fail : Status::warn;
    if (s.no_carrier()) {
        f.meaning = fmt::format("this node is cut off: no knet link reaches any of its peers "
                                "({}), and its ring interface {} has no carrier",
                                peers, fmt::join(s.interfaces_without_carrier, ", "));
        f.decision = "fix this node's network (see net.ring-addr); the peers are not the "
                     "problem: restart nothing on them";
    } else if (s.cut_off()) {
        f.meaning = fmt::format("this node is cut off: no knet link reaches {}, whose corosync "
                                "port is silent (corosync runs there, and UDP does not pass)",
                                peers);
        f.decision = "fix this node's network: firewall (UDP 5405-5412 between the ring "
                     "addresses), VLAN, switch port; `corosync-cfgtool -n` shows each link";
    } else if (s.shown_last_alive()) {
        f.meaning = fmt::format("no link reaches {}, and their hosts do not answer on the ring "
                                "network at all (no ARP answer): they are down, or the switch "
                                "between is",
                                peers);
        f.decision = "check the peers' power and consoles, and the switch of the ring network";
    } else if (!s.peers_stopped.empty()) {
        f.meaning = fmt::format("no link reaches {}; {} answer on the ring network but nothing "
                                "listens on corosync's port: corosync is stopped there",
                                peers, fmt::join(s.peers_stopped, ", "));
        f.decision = fmt::format("run `pmxsnap doctor` on {} (why did corosync stop there?)",
                                 fmt::join(s.peers_stopped, ", "));
    } else {
        f.meaning = fmt::format("no link reaches any peer ({}): they are down, or this node "
                                "is cut off",
                                peers);
        f.decision = "run `pmxsnap doctor` on a peer: if it is quorate without this node, fix "
                     "this node's network";
    }
    return f;
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
    f.evidence["faulty"] = faulty;
    f.evidence["unreachable"] = unreachable;
    auto s = assess(in);
    if (s.every_link_down)
        return every_link_down(std::move(f), s);
    f.status = faulty.empty() ? Status::warn : Status::fail;
    f.meaning = faulty.empty()
                    ? fmt::format("no link reaches {}, while the other peers are reached: that "
                                  "node is down or cut off from the rest",
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
