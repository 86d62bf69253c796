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
check_runtime(const Inputs& in); // runtime.cmap, runtime.config-version, quorum.state
Finding check_config_version(const Inputs& in);        // runtime.config-version
Finding check_name_resolution(const Inputs& in);       // net.name-resolution
Finding check_mtu(const Inputs& in);                   // net.mtu
Finding check_authkey(const Inputs& in);               // auth.authkey
Finding check_db(const Inputs& in);                    // pmxcfs.db
std::vector<Finding> check_log(const Inputs& in);      // log.patterns
std::vector<Finding> check_services(const Inputs& in); // service.corosync, service.pve-cluster
std::vector<Finding> check_network(const Inputs& in); // net.ring-addr, net.name-resolution, net.mtu
std::vector<Finding> check_membership(const Inputs& in); // runtime.links, quorum.partition
// pmxcfs.mount, pmxcfs.nodes; lower_layers_ok: every corosync and quorum
// finding is ok or skipped (the decisions then do not send the operator there).
std::vector<Finding> check_pmxcfs(const Inputs& in, bool lower_layers_ok);
// /etc/pve is known to be mounted by pmxcfs (a live host): only then may a
// decision say to copy a file from it.
bool pve_mounted(const Inputs& in);
Finding check_time(const Inputs& in); // time.sync

// How a decision names its reference: "the last good snapshot, <file name>"
// (the file that `latest-good` selects now, so the operator can check it is
// the one meant); nullopt when this node has none marked good, and then no
// decision may print a latest-good command: pmxsnap would refuse it.
std::optional<std::string> last_good_snapshot(const Inputs& in);

} // namespace pmxsnap::doctor
