// The unbounded part of the live probe: the corosync client library calls.
// Run only in the probe's child process (live_cluster.cpp). Internal.
#pragma once

#include "pmxsnap/corosync/live_cluster.hpp"

namespace pmxsnap::corosync::detail {

LiveView read_live_view();

} // namespace pmxsnap::corosync::detail
