// A cluster peer's view, asked over SSH (restore plan --peer): its corosync
// quorum and membership, the nodelist its corosync runs with, and its
// config.db's version as its own pmxsnap reports it. Only read-only commands
// run there; whatever would change the peer is printed in the plan.
#pragma once

#include "pmxsnap/corosync/tool_output.hpp"
#include "pmxsnap/host/peer_shell.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::restore {

struct PeerFacts {
    std::string host; // as given to --peer
    long elapsed_ms = 0;
    // corosync-quorumtool -s: nullopt when the peer's corosync did not answer
    std::optional<corosync::QuorumStatus> quorum;
    std::string corosync_problem;             // why not
    std::vector<corosync::LiveNode> nodelist; // corosync-cmapctl -b nodelist.node
    bool pmxsnap_found = false;               // pmxsnap runs on the peer
    std::optional<std::int64_t> db_version;   // its config.db's root version
    std::string db_problem;                   // why there is none

    bool cluster_alive() const; // quorate, with other members than the peer
    std::string name() const;   // the peer's node name (its "(local)" member), or host
    bool lists(const std::string& node) const;      // in the peer's nodelist
    bool has_member(const std::string& node) const; // a joined member, seen from the peer
    // "peer", "archive", "same" or "" (unknown): whose db is newer.
    std::string newer_db(std::int64_t archive_version) const;
    nlohmann::json to_json(const std::string& node, std::int64_t archive_version) const;
    std::vector<std::string> text(const std::string& node, std::int64_t archive_version) const;
};

// Throws pmxsnap::Error when the peer does not answer within the limit, or
// ssh refuses (host key, authentication): the plan was asked for its facts.
PeerFacts ask_peer(const host::PeerShellOptions& options);

} // namespace pmxsnap::restore
