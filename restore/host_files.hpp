// Which of an archive's node-local files `restore apply --host-files
// CATEGORY,...` installs, and which it leaves out and why. `all` is every
// category but storage (fstab, LVM, multipath, iSCSI: shown and checked
// against this machine, installed only when named) and corosync (a joining
// node gets it from the cluster; installed only when named). The categories
// come from the archive's recorded profile, each path checked again: an
// archive never chooses where a file goes.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/host/host.hpp"

#include <map>
#include <string>
#include <vector>

namespace pmxsnap::restore {

// "network,identity", "all", "all,storage": the categories, in
// profile order. Throws Error naming an unknown one.
std::vector<std::string> parse_host_categories(const std::string& list);

struct HostFileChoice {
    std::map<std::string, fs::path> install; // member path → where it goes
    std::vector<std::string> left_out;       // "<path> (why)"
};

HostFileChoice choose_host_files(const archive::Manifest& manifest, const host::Host& host,
                                 const std::vector<std::string>& categories,
                                 const std::string& archive_argument);

} // namespace pmxsnap::restore
