// What every scenario's steps are made from, shared by plan.cpp and the
// scenarios in files of their own. Private to restore/.
#pragma once

#include "plan.hpp"

#include <string>
#include <vector>

namespace pmxsnap::restore {

inline constexpr const char* here = "this node";
inline constexpr const char* healthy = "a healthy cluster node";

struct PlanContext {
    const ArchiveFacts& archive;
    const HostFacts& host;
    const PlanOptions& options;
    std::string node, cluster, ring0, peer, archive_arg;
};

// A rebuilt node of the same name rejoining a live cluster: with the
// archived private host keys its identity comes back whole; without them,
// the cleanup of the old keys everywhere they are pinned.
std::vector<Step> rejoin_steps(const PlanContext& c);
std::vector<std::string> rejoin_dangers(const PlanContext& c);

// --peer: a scenario from the peer's view when this node's own corosync
// shows no quorate cluster; the precondition on the cluster's state as the
// peer sees it; and the plan completed with the peer's facts (the steps on
// "a healthy cluster node" name it, a delnode already done is dropped, the
// db versions compared).
std::optional<Scenario> choose_by_peer(const ArchiveFacts& archive, const HostFacts& host,
                                       std::string& because);
Precondition peer_state(const PeerFacts& peer, const std::string& node, bool want_alive);
void add_peer_facts(Plan& plan, const PlanContext& c);
std::string peer_host(const PeerFacts& peer); // HOST of [user@]HOST

} // namespace pmxsnap::restore
