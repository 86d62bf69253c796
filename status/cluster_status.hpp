// ClusterStatus: every node of every cluster in a repository, seen through
// the signed index of its newest snapshots only (no archive opened, no
// identity needed): age, health, db and corosync versions, authkey digest,
// who signed; then what disagrees across a cluster's nodes. Throws
// pmxsnap::Error for an unreadable repository; every finding is a value.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::status {

struct StatusOptions {
    std::string cluster; // only this cluster when not empty
    UnixSeconds now = 0;
    UnixSeconds stale_after = UnixSeconds{2} * 86400; // --stale
    UnixSeconds lag = 300;                            // --lag: how long db replication may take
};

// How far back a node's history is read looking for an authentic index and
// the newest good one: a healthy node needs one read.
inline constexpr std::size_t max_indexes_read = 256;

struct NodeStatus {
    std::string cluster;
    std::string node;
    std::size_t snapshots = 0;      // archives in the node's directory
    fs::path newest;                // the newest archive; empty when none
    std::string signature = "none"; // the newest's index: repo::IndexStatus, or "none"
    std::string signature_problem;  // why it is not ok
    // The newest snapshot whose index is authentic; what the fields below
    // show. nullopt when none is among the newest max_indexes_read.
    std::optional<repo::TrustedComment> index;
    fs::path indexed;   // that snapshot's archive
    std::string signer; // its key id (hex)
    UnixSeconds captured = 0;
    std::optional<UnixSeconds> last_good; // the newest good one's capture time, when read
    std::optional<bool> in_nodelist;      // nullopt: the cluster's nodelist is unknown

    std::string health() const {
        return !index || index->health.empty() ? "unknown" : index->health;
    }
};

struct Finding {
    std::string cluster;
    std::string node;
    std::string kind; // missing, signature, stale, bad, db-behind, config-behind,
                      // authkey-differs
    std::string message;
};

struct StatusReport {
    std::vector<NodeStatus> nodes; // sorted by cluster, then node
    std::vector<Finding> findings; // by cluster and node
    std::size_t clusters = 0;

    bool healthy() const { return findings.empty(); }
};

StatusReport cluster_status(const repo::Repository& repository,
                            const std::vector<crypto::PublicKey>& keys,
                            const StatusOptions& options);

// One node directory, read as cluster_status reads it. Pure over the files.
NodeStatus read_node(const repo::Repository& repository, const repo::NodeDirectory& directory,
                     const std::vector<crypto::PublicKey>& keys);

} // namespace pmxsnap::status
