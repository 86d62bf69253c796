// What is mounted where, from /proc/self/mountinfo (proc(5)): the kernel's
// own account, with the filesystem type and read-only state that `mount`
// output would only approximate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::host {

struct Mount {
    std::string id;          // mountinfo's mount id, unique in its namespace
    std::string parent_id;   // the id of the mount this one sits on
    std::string mount_point; // "/etc/pve"
    std::string fs_type;     // "fuse" for pmxcfs (its source is "/dev/fuse")
    std::string source;      // "/dev/fuse"
    bool read_only = false;  // per-mount "ro" or superblock "ro"
};

// Every line of a mountinfo text, in order (later mounts stack over earlier).
// Lines that do not have mountinfo's shape are skipped.
std::vector<Mount> parse_mountinfo(std::string_view text);

// The mount that is visible at mount_point now (the last one stacked there),
// nullopt when nothing is mounted exactly there.
std::optional<Mount> mount_at(const std::vector<Mount>& mounts, std::string_view mount_point);

// This process's mounts (live host).
std::vector<Mount> current_mounts();

// The mounts of process pid's mount namespace; none when it has exited (its
// mountinfo then reads as EINVAL) or is not there.
std::vector<Mount> mounts_of_process(int pid);

} // namespace pmxsnap::host
