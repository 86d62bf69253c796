// Every copy of corosync.conf the two sides hold, side by side with their
// config_version, and — when a side has the running cluster — which copy
// corosync is really using (its running config_version and nodelist equal
// that copy's).
#pragma once

#include "source.hpp"

#include <nlohmann/json.hpp>

namespace pmxsnap::diff {

nlohmann::json corosync_copies(const Side& a, const Side& b);

} // namespace pmxsnap::diff
