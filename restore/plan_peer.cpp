// The plan with a peer's view (restore plan --peer): what the peer says about
// the cluster decides between rejoin and single files when this node cannot
// see the cluster itself (a rebuilt node has no corosync yet), and what it
// says about its nodelist and db completes the steps. Nothing here runs on
// the peer: the steps that change it are printed for the operator.
#include "plan_context.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::restore {
namespace {

using State = Precondition::State;

std::string label(const PeerFacts& peer) {
    return fmt::format("the peer {} ({})", peer.host, peer.name());
}

std::size_t member_count(const PeerFacts& peer) {
    return peer.quorum ? peer.quorum->members.size() : 0;
}

std::string node_standing(const PeerFacts& peer, const std::string& node) {
    if (peer.has_member(node))
        return node + " is a joined member";
    return peer.lists(node) ? node + " is in its nodelist but not a member"
                            : node + " is no longer in its nodelist";
}

std::string not_alive(const PeerFacts& peer) {
    if (!peer.quorum)
        return fmt::format("the corosync of {} does not answer ({})", label(peer),
                           peer.corosync_problem);
    return fmt::format("{} sees no quorate cluster ({} members, {})", label(peer),
                       member_count(peer),
                       peer.quorum->quorate.value_or(false) ? "quorate" : "not quorate");
}

} // namespace

std::string peer_host(const PeerFacts& peer) {
    auto at = peer.host.rfind('@');
    return at == std::string::npos ? peer.host : peer.host.substr(at + 1);
}

std::optional<Scenario> choose_by_peer(const ArchiveFacts& archive, const HostFacts& host,
                                       std::string& because) {
    if (!host.asked_peer || !host.asked_peer->cluster_alive())
        return std::nullopt;
    const auto& peer = *host.asked_peer;
    const auto& node = archive.manifest.node;
    auto seen = fmt::format("{} sees a quorate cluster of {} members and {}", label(peer),
                            member_count(peer), node_standing(peer, node));
    if (peer.has_member(node) && host.db.root_version && host.db.problem.empty()) {
        because = seen + ", with a healthy db here: restore single files, never the db";
        return Scenario::file;
    }
    because = seen + (peer.has_member(node) ? ", but the db here is missing or damaged"
                                            : ": this node rejoins it");
    return Scenario::rejoin;
}

Precondition peer_state(const PeerFacts& peer, const std::string& node, bool want_alive) {
    bool alive = peer.cluster_alive();
    if (!want_alive)
        return alive ? Precondition{State::failed,
                                    fmt::format("a quorate cluster of {} members answers on {}",
                                                member_count(peer), label(peer)),
                                    "use --scenario rejoin (or restore single files)"}
                     : Precondition{State::ok, not_alive(peer), ""};
    if (!alive)
        return {State::failed, not_alive(peer) + ": nothing to rejoin",
                "bring the cluster back first (`pmxsnap doctor` on " + peer_host(peer) + ")"};
    if (peer.has_member(node))
        return {State::failed,
                fmt::format("{} is a joined member of the cluster seen from {}: its old install "
                            "(or this node's corosync) still runs in it",
                            node, label(peer)),
                "power the old install off for good before `pvecm delnode " + node +
                    "`; a running member is not rejoined"};
    return {State::ok,
            fmt::format("the cluster is quorate with {} members, seen from {}; {}",
                        member_count(peer), label(peer), node_standing(peer, node)),
            ""};
}

void add_peer_facts(Plan& plan, const PlanContext& c) {
    if (!c.host.asked_peer)
        return;
    const auto& peer = *c.host.asked_peer;
    auto version = c.archive.manifest.db.root_version;
    plan.peer = peer.to_json(plan.node, version);
    plan.peer_text = peer.text(plan.node, version);
    if (!plan.decided)
        return;
    for (auto& step : plan.steps)
        if (step.where == healthy)
            step.where = label(peer);
    if (plan.scenario == Scenario::rejoin && peer.cluster_alive() && !peer.lists(plan.node)) {
        std::erase_if(plan.steps,
                      [](const Step& s) { return s.command.starts_with("pvecm delnode "); });
        plan.peer_text.push_back(fmt::format(
            "  pvecm delnode {} is left out: the peer's nodelist no longer lists it", plan.node));
    }
    if (plan.scenario == Scenario::cluster)
        plan.preconditions.push_back(
            {State::failed,
             label(peer) + " answers over SSH: another node is up, not every node is lost",
             "the cluster scenario ends the old cluster; repair the running nodes (`pmxsnap "
             "doctor` there) or use --scenario rejoin"});
    auto newer = peer.newer_db(version);
    if (newer == "archive")
        plan.dangers.push_back(fmt::format(
            "the archive's db (version {}) is newer than the one of {} ({}): it holds changes "
            "the cluster lacks; put them back one by one with `pmxsnap restore file`, never "
            "with the archive's db",
            version, label(peer), *peer.db_version));
    else if (newer == "peer" &&
             (plan.scenario == Scenario::single_node || plan.scenario == Scenario::cluster))
        plan.dangers.push_back(fmt::format(
            "the db of {} (version {}) is newer than the archive's ({}): installing the archive "
            "forgets every change since",
            label(peer), *peer.db_version, version));
}

} // namespace pmxsnap::restore
