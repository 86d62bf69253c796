// The checks of doctor-checks.md that pmxsnap runs, each a function from the
// gathered inputs to findings. Read-only: none of them changes anything.
#pragma once

#include "finding.hpp"
#include "inputs.hpp"

#include <optional>
#include <string>

namespace pmxsnap::doctor {

std::vector<Finding>
check_corosync_files(const Inputs& in); // conf.parse, conf.copies, conf.nodeid-name
std::vector<Finding>
check_runtime(const Inputs& in);         // runtime.cmap, runtime.config-version, quorum.state
Finding check_authkey(const Inputs& in); // auth.authkey
Finding check_db(const Inputs& in);      // pmxcfs.db
std::vector<Finding> check_log(const Inputs& in);      // log.patterns
std::vector<Finding> check_services(const Inputs& in); // service.corosync, service.pve-cluster
std::vector<Finding> check_network(const Inputs& in); // net.ring-addr, net.name-resolution, net.mtu
std::vector<Finding> check_membership(const Inputs& in); // runtime.links, quorum.partition
std::vector<Finding> check_pmxcfs(const Inputs& in);     // pmxcfs.mount, pmxcfs.nodes
Finding check_time(const Inputs& in);                    // time.sync

// How a decision names its reference: "the last good snapshot, <file name>"
// (the file that `latest-good` selects now, so the operator can check it is
// the one meant); nullopt when this node has none marked good, and then no
// decision may print a latest-good command: pmxsnap would refuse it.
std::optional<std::string> last_good_snapshot(const Inputs& in);

} // namespace pmxsnap::doctor
