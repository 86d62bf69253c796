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

ProcessStatus parse_proc_status(std::string_view status_text) {
    ProcessStatus status;
    while (!status_text.empty()) {
        auto end = status_text.find('\n');
        auto line = status_text.substr(0, end);
        status_text =
            end == std::string_view::npos ? std::string_view{} : status_text.substr(end + 1);
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        auto key = line.substr(0, colon);
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        if (key == "State")
            status.state = std::string(value);
        else if (key == "Threads")
            std::from_chars(value.data(), value.data() + value.size(), status.threads);
    }
    return status;
}

std::optional<ProcessStatus> process_status(pid_t pid) {
    try {
        auto text = read_file_if_exists("/proc/" + std::to_string(pid) + "/status", 1 << 16);
        return text ? std::optional(parse_proc_status(*text)) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool in_this_network_namespace(pid_t pid) {
    std::error_code mine_error, its_error;
    auto mine = fs::read_symlink("/proc/self/ns/net", mine_error);
    auto its = fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", its_error);
    return !mine_error && !its_error && mine == its;
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
