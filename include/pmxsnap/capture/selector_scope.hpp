// The cluster and node a `latest` selector means on this host: the cluster
// its /etc/corosync/corosync.conf names (none when missing or unparsable:
// the repository's only cluster is then taken) and its node name. Reads
// through --root; throws nothing for a missing corosync.conf.
#pragma once

#include "pmxsnap/host/host.hpp"
#include "pmxsnap/repo/selector.hpp"

namespace pmxsnap::capture {

repo::SelectorScope selector_scope(const host::Host& host);

} // namespace pmxsnap::capture
