// Which processes run, and which hold files open under a directory — read
// from /proc, as pgrep(1) and fuser(1) do. restore refuses to replace what a
// running pmxcfs or corosync holds.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace pmxsnap::host {

struct Process {
    pid_t pid = 0;
    std::string name;  // /proc/PID/comm
    std::string holds; // for processes_holding: the open file under the directory
};

std::vector<Process> processes_named(const std::vector<std::string>& names);

// Processes with a file descriptor open on a path inside directory.
std::vector<Process> processes_holding(const fs::path& directory);

} // namespace pmxsnap::host
