// --post-command: the operator's command (restic, rclone, a copy to the
// site's backup host), run by /bin/sh after a run that published or found
// its archive, with what it needs to know in PMXSNAP_* variables. Its
// failure is reported and fails the run; it never touches the archive.
#pragma once

#include "snapshot.hpp"

#include "pmxsnap/host/child.hpp"

#include <string>

namespace pmxsnap::snapshot {

struct PostCommandRun {
    host::ChildExit exit;
    double seconds = 0;
};

// Its stdout goes to pmxsnap's stderr (stdout may hold the --json document).
PostCommandRun run_post_command(const std::string& command, const fs::path& repo,
                                const SnapshotResult& result);

} // namespace pmxsnap::snapshot
