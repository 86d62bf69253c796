#include "pmxsnap/host/processes.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>

namespace pmxsnap::host {
namespace {

std::vector<pid_t> all_pids() {
    std::vector<pid_t> pids;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator("/proc", ignored)) {
        auto name = entry.path().filename().string();
        pid_t pid = 0;
        auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (error == std::errc{} && end == name.data() + name.size())
            pids.push_back(pid);
    }
    return pids;
}

std::string comm_of(pid_t pid) {
    try {
        auto comm = read_file_if_exists("/proc/" + std::to_string(pid) + "/comm", 256);
        if (comm && !comm->empty() && comm->back() == '\n')
            comm->pop_back();
        return comm.value_or("");
    } catch (const std::exception&) {
        return {}; // the process went away, or is not ours to read
    }
}

} // namespace

std::vector<Process> processes_named(const std::vector<std::string>& names) {
    std::vector<Process> found;
    for (auto pid : all_pids()) {
        auto comm = comm_of(pid);
        if (std::find(names.begin(), names.end(), comm) != names.end())
            found.push_back({pid, comm, {}});
    }
    return found;
}

std::vector<Process> processes_holding(const fs::path& directory) {
    std::vector<Process> found;
    std::error_code ec;
    auto prefix = fs::weakly_canonical(directory, ec).string();
    if (ec || prefix.empty())
        return found;
    if (prefix.back() != '/')
        prefix += '/';
    for (auto pid : all_pids()) {
        if (pid == ::getpid())
            continue;
        std::error_code ignored;
        for (const auto& fd :
             fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ignored)) {
            std::error_code link_error;
            auto target = fs::read_symlink(fd.path(), link_error).string();
            if (!link_error && target.starts_with(prefix)) {
                found.push_back({pid, comm_of(pid), target});
                break;
            }
        }
    }
    return found;
}

} // namespace pmxsnap::host
