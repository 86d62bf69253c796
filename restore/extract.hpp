// restore extract: an archive's members written under DIR through the safe
// reader (nothing outside DIR, no links, no devices), each by temp name and
// rename. Refuses a non-empty DIR unless forced.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <string>
#include <vector>

namespace pmxsnap::restore {

struct ExtractResult {
    std::size_t files = 0;
    std::size_t directories = 0;
};

// paths: member paths or host paths ("/etc/pve/storage.cfg"); empty: all.
ExtractResult extract_archive(const fs::path& archive, const fs::path& directory,
                              const std::vector<std::string>& paths, bool force,
                              const fs::path& identity);

// "/etc/pve/x" → "pve/x", "/etc/hosts" → "host/etc/hosts", members as they are.
std::string member_path_of(const std::string& path);

} // namespace pmxsnap::restore
