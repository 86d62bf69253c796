#include "pmxsnap/util/temp_dir.hpp"

#include "pmxsnap/util/error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string_view>

namespace pmxsnap {
namespace {

constexpr std::string_view prefix = "pmxsnap-";

// The directories of this process that exist now.
std::mutex live_mutex;
std::set<fs::path>& live() {
    static std::set<fs::path> paths;
    return paths;
}

fs::path default_parent() {
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

// The pid in "pmxsnap-<pid>-XXXXXX", or 0 when the name is not ours.
pid_t owner_of(std::string_view name) {
    if (!name.starts_with(prefix))
        return 0;
    name.remove_prefix(prefix.size());
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || pid <= 0 || end == name.data())
        return 0;
    std::string_view rest(end, static_cast<std::size_t>(name.data() + name.size() - end));
    return rest.size() == 7 && rest.front() == '-' ? pid : 0;
}

// Stale: ours (uid, real directory, not a link), its pid gone, and its lock
// free. The lock covers what the pid cannot: a live owner in another pid
// namespace sharing this directory. A reused pid only keeps it one run longer.
bool is_stale(const fs::path& path, pid_t owner, Fd& held) {
    if (owner == ::getpid() || ::kill(owner, 0) == 0 || errno != ESRCH)
        return false;
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return false;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
        return false;
    held = std::move(fd);
    return true;
}

std::vector<fs::path>& swept_paths() {
    static std::vector<fs::path> paths;
    return paths;
}

} // namespace

TempDir::TempDir(const fs::path& parent) {
    fs::path base = parent.empty() ? default_parent() : parent;
    static std::once_flag once;
    std::call_once(once, [&] {
        auto removed = sweep_stale(base);
        std::lock_guard guard(live_mutex);
        swept_paths() = std::move(removed);
    });
    std::string pattern =
        (base / (std::string(prefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        fail("{}: cannot create a temporary directory: {}", base.string(), errno_text(errno));
    path_ = pattern;
    {
        std::lock_guard guard(live_mutex);
        live().insert(path_);
    }
    lock_ = Fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock_ || ::flock(lock_.get(), LOCK_SH | LOCK_NB) != 0) {
        int err = errno;
        std::error_code ignored;
        fs::remove_all(path_, ignored);
        std::lock_guard guard(live_mutex);
        live().erase(path_);
        fail("{}: cannot lock a temporary directory: {}", path_.string(), errno_text(err));
    }
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
    std::lock_guard guard(live_mutex);
    live().erase(path_);
}

std::size_t TempDir::remove_all_live() {
    std::lock_guard guard(live_mutex);
    auto count = live().size();
    for (const auto& path : live()) {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    live().clear();
    return count;
}

std::vector<fs::path> TempDir::swept() {
    std::lock_guard guard(live_mutex);
    return swept_paths();
}

std::vector<fs::path> TempDir::sweep_stale(const fs::path& parent) {
    std::vector<fs::path> removed;
    try {
        std::error_code error;
        for (const auto& item : fs::directory_iterator(parent, error)) {
            pid_t owner = owner_of(item.path().filename().string());
            Fd held; // the stale directory's lock, held while it is removed
            if (owner == 0 || !is_stale(item.path(), owner, held))
                continue;
            std::error_code ignored;
            fs::remove_all(item.path(), ignored);
            if (!ignored)
                removed.push_back(item.path());
        }
    } catch (const std::exception&) {
        return removed; // an unreadable parent: mkdtemp will say why
    }
    return removed;
}

} // namespace pmxsnap
