// What corosync's own tools print, read back: `corosync-quorumtool -s`
// (quorum and membership, as a peer reports them over SSH) and
// `corosync-cmapctl -b nodelist.node` (the nodelist corosync runs with).
// Used where the client libraries cannot reach: another host. The formats
// are corosync 3's (tests/unit/corosync has outputs captured from it).
#pragma once

#include "pmxsnap/corosync/live_cluster.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::corosync {

struct QuorumMember {
    std::uint32_t nodeid = 0;
    std::uint32_t votes = 0;
    std::string name; // the nodelist's name, or the address when it has none
    bool local = false;
};

struct QuorumStatus {
    std::string provider; // corosync_votequorum
    std::optional<std::uint32_t> nodes, node_id, expected_votes, highest_expected, total_votes,
        quorum;
    std::optional<bool> quorate;
    std::string ring_id;
    std::vector<std::string> flags; // Quorate, WaitForAll, 2Node, ...
    std::vector<QuorumMember> members;
};

// nullopt when TEXT is not corosync-quorumtool -s output (no "Quorate:" line).
std::optional<QuorumStatus> parse_quorumtool_status(std::string_view text);
// Nodes in nodelist.node.N order; lines of other keys are ignored.
std::vector<LiveNode> parse_cmapctl_nodelist(std::string_view text);

} // namespace pmxsnap::corosync
