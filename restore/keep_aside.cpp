#include "keep_aside.hpp"

#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <unistd.h>

namespace pmxsnap::restore {

std::string kept_name(const fs::path& path, const std::string& stamp) {
    auto base = path.string() + ".pmxsnap-" + stamp;
    auto name = base;
    for (int n = 1; fs::exists(fs::symlink_status(name)) || fs::exists(name + "-wal"); ++n)
        name = base + "." + std::to_string(n);
    return name;
}

fs::path keep_aside(const fs::path& path, const std::string& stamp) {
    fs::path kept = kept_name(path, stamp);
    // link(2) does not follow a symbolic link: a link is kept as the link.
    if (::link(path.c_str(), kept.c_str()) != 0)
        fail_errno(kept.string());
    fsync_directory(path.parent_path());
    return kept;
}

void remove_leftovers(const fs::path& target) {
    auto prefix = std::string(AtomicFile::temp_marker) + target.filename().string() + ".";
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(target.parent_path(), ignored))
        if (entry.path().filename().string().starts_with(prefix))
            fs::remove(entry.path(), ignored);
}

} // namespace pmxsnap::restore
