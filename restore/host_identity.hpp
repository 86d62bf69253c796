// Which cluster and node this host says it is — what an archive's own
// cluster and node are compared with before anything is installed.
#pragma once

#include "pmxsnap/host/host.hpp"

#include <string>

namespace pmxsnap::restore {

struct HostIdentity {
    std::string cluster; // cluster_name of /etc/corosync/corosync.conf; empty when none parses
    std::string node;    // empty when there is no hostname (a bare --root)
};

// Never throws for what is missing or broken: an unknown side is empty, and
// an empty side is never a mismatch.
HostIdentity read_host_identity(const host::Host& host);

} // namespace pmxsnap::restore
