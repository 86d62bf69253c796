// Which processes run, and which hold files open under a directory — read
// from /proc, as pgrep(1) and fuser(1) do. restore refuses to replace what a
// running pmxcfs or corosync holds.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::host {

struct Process {
    pid_t pid = 0;
    std::string name;  // /proc/PID/comm
    std::string holds; // for processes_holding: the open file under the directory
};

std::vector<Process> processes_named(const std::vector<std::string>& names);

// What /proc/PID/status says of a process: its state ("S (sleeping)", "T
// (stopped)", "D (disk sleep)") and its thread count.
struct ProcessStatus {
    std::string state;
    unsigned threads = 0;
};
ProcessStatus parse_proc_status(std::string_view status_text);
std::optional<ProcessStatus> process_status(pid_t pid);

// Whether pid runs in this process's network namespace: the daemon that
// serves this node where several nodes share one kernel (containers, the
// test cluster's namespaces).
bool in_this_network_namespace(pid_t pid);

// Processes with a file descriptor open on a path inside directory.
std::vector<Process> processes_holding(const fs::path& directory);

} // namespace pmxsnap::host
