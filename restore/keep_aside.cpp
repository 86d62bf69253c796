#include "keep_aside.hpp"

#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace pmxsnap::restore {

namespace {

// A directory whose every file is read — /etc/network/interfaces.d under
// ifupdown2's `source /etc/network/interfaces.d/*` — would read a kept copy
// beside the file as one more file (its ifaces twice). Files of a "*.d"
// directory are kept in "<dir>.pmxsnap-kept/" beside it instead: same
// filesystem (a hard link), read by nothing.
fs::path kept_directory(const fs::path& path) {
    auto directory = path.parent_path();
    if (!directory.filename().string().ends_with(".d"))
        return directory;
    return directory.parent_path() / (directory.filename().string() + ".pmxsnap-kept");
}

} // namespace

std::string kept_name(const fs::path& path, const std::string& stamp) {
    auto base = (kept_directory(path) / path.filename()).string() + ".pmxsnap-" + stamp;
    auto name = base;
    for (int n = 1; fs::exists(fs::symlink_status(name)) || fs::exists(name + "-wal"); ++n)
        name = base + "." + std::to_string(n);
    return name;
}

void link_kept(const fs::path& path, const fs::path& kept) {
    if (::mkdir(kept.parent_path().c_str(), 0700) != 0 && errno != EEXIST)
        fail_errno(kept.parent_path().string());
    // link(2) does not follow a symbolic link: a link is kept as the link.
    if (::link(path.c_str(), kept.c_str()) != 0)
        fail_errno(kept.string());
}

fs::path keep_aside(const fs::path& path, const std::string& stamp) {
    fs::path kept = kept_name(path, stamp);
    link_kept(path, kept);
    fsync_directory(kept.parent_path());
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
