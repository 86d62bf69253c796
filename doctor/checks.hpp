// The checks of doctor-checks.md that pmxsnap runs, each a function from the
// gathered inputs to findings. Read-only: none of them changes anything.
#pragma once

#include "finding.hpp"
#include "inputs.hpp"

namespace pmxsnap::doctor {

std::vector<Finding>
check_corosync_files(const Inputs& in); // conf.parse, conf.copies, conf.nodeid-name
std::vector<Finding>
check_runtime(const Inputs& in);         // runtime.cmap, runtime.config-version, quorum.state
Finding check_authkey(const Inputs& in); // auth.authkey
Finding check_db(const Inputs& in);      // pmxcfs.db
std::vector<Finding> check_log(const Inputs& in); // log.patterns

} // namespace pmxsnap::doctor
