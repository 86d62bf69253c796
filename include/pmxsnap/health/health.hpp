// Health: is the state a snapshot captured one to go back to? Decided when
// the snapshot is taken, from what it captured, and recorded in the signed
// index and MANIFEST.json: the seed's incident (a truncated corosync.conf
// archived a minute after the damage) must never become the reference an
// operator compares against. A broken state is still archived, as evidence,
// but marked bad with its reasons.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/configdb/invariants.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::health {

// What assess() looks at; the capture fills it (and a test by hand).
struct StateFacts {
    std::string node;                                 // this node's name
    std::optional<std::string> host_corosync;         // /etc/corosync/corosync.conf
    std::optional<std::string> pve_corosync;          // /etc/pve/corosync.conf
    std::vector<std::string> db_integrity;            // PRAGMA integrity_check complaints
    std::vector<configdb::Violation> db_violations;   // bad: pmxcfs would not serve it all
    std::vector<configdb::Violation> db_write_limits; // notes: served, but not writable so
    std::vector<std::string> node_directories;        // the names under /etc/pve/nodes
    bool corosync_authkey = false;                    // /etc/corosync/authkey is there
    bool pve_authkey = false;                         // /etc/pve/priv/authkey.key is there
};

archive::Health assess(const StateFacts& facts);

// The problem's id as a short phrase, for `list`'s HEALTH column, which
// reads only the signed index (ids, not sentences). An id this release does
// not know (written by a newer one) is shown as it is.
std::string describe(std::string_view problem_id);

} // namespace pmxsnap::health
