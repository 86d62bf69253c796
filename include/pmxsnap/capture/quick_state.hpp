// QuickState: what --if-changed compares before paying for a capture — the
// identity of config.db and its -wal (device, inode, size, mtime and ctime
// to the nanosecond: pmxcfs cannot commit without moving one of them) and
// the node-local files' content. Equal keys mean the state is unchanged; a
// different key only means "capture and compare". Throws pmxsnap::Error.
#pragma once

#include "pmxsnap/capture/node_profile.hpp"
#include "pmxsnap/host/host.hpp"

#include <optional>
#include <string>

namespace pmxsnap::capture {

struct QuickState {
    std::string cluster; // as capture would name it
    std::string node;
    std::string key; // hex SHA-256
    // False when the db or its -wal changed in the last seconds: file times
    // tick coarsely, so a second write within the same tick could keep the
    // key. Such a key is used for nothing (as git treats "racy" entries).
    bool settled = true;
};

struct QuickStateOptions {
    bool include_authkey = false;
    bool encrypting = false;
    NodeProfile profile;
};

// nullopt when the cluster name cannot be told without reading the db (no
// parseable /etc/corosync/corosync.conf): the caller captures in full.
std::optional<QuickState> quick_state(const host::Host& host, const QuickStateOptions& options);

} // namespace pmxsnap::capture
