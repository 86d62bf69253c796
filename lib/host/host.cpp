#include "pmxsnap/host/host.hpp"

#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <ctime>

namespace pmxsnap::host {

Host::Host(fs::path root)
    : root_(root.empty() ? fs::path("/") : std::move(root)) {
    if (!is_live() && !fs::is_directory(root_))
        fail("--root {}: not a directory", root_.string());
}

fs::path Host::resolve(const fs::path& host_path) const {
    if (is_live())
        return host_path;
    return root_ / host_path.relative_path();
}

std::optional<std::string> Host::read_text_if_exists(const fs::path& host_path) const {
    return read_file_if_exists(resolve(host_path));
}

std::optional<FileFacts> Host::facts(const fs::path& host_path, Links links) const {
    struct stat st {};
    auto path = resolve(host_path);
    int rc = links == Links::follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
    if (rc != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return std::nullopt;
        fail_errno(path.string());
    }
    FileFacts facts;
    facts.mode = st.st_mode & 07777;
    facts.uid = st.st_uid;
    facts.gid = st.st_gid;
    facts.size = st.st_size;
    facts.mtime = st.st_mtim.tv_sec;
    facts.identity = file_version(st);
    facts.is_regular = S_ISREG(st.st_mode);
    facts.is_directory = S_ISDIR(st.st_mode);
    facts.is_symlink = S_ISLNK(st.st_mode);
    return facts;
}

std::string Host::node_name() const {
    std::string name;
    if (auto text = read_text_if_exists(paths::hostname)) {
        name = *text;
    } else if (is_live()) {
        char buffer[256] = {};
        if (::gethostname(buffer, sizeof buffer - 1) != 0)
            fail_errno("gethostname");
        name = buffer;
    } else {
        fail("{}: missing; cannot tell this node's name", resolve(paths::hostname).string());
    }
    auto end = name.find_first_of(". \t\r\n");
    name = name.substr(0, end);
    if (name.empty())
        fail("{}: empty; cannot tell this node's name", resolve(paths::hostname).string());
    return name;
}

bool Host::clock_is_pinned() const {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    return epoch != nullptr && *epoch != '\0';
}

UnixSeconds Host::now() const {
    if (clock_is_pinned()) {
        std::string_view text = std::getenv("SOURCE_DATE_EPOCH");
        UnixSeconds value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || value < 0)
            fail("SOURCE_DATE_EPOCH={}: not a number of seconds", text);
        return value;
    }
    return static_cast<UnixSeconds>(std::time(nullptr));
}

} // namespace pmxsnap::host
