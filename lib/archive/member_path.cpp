#include "pmxsnap/archive/member_path.hpp"

namespace pmxsnap::archive {

std::optional<std::string> member_path_problem(std::string_view path) {
    if (path.empty())
        return "empty name";
    if (path.size() > 4096)
        return "name longer than 4096 bytes";
    if (path.front() == '/')
        return "absolute path";
    if (path.find('\0') != std::string_view::npos)
        return "NUL byte in name";
    std::string_view rest = path;
    while (true) {
        auto slash = rest.find('/');
        auto part = rest.substr(0, slash);
        if (part == "..")
            return "'..' component (path traversal)";
        if (part == ".")
            return "'.' component";
        if (part.empty() && slash != std::string_view::npos)
            return "empty path component";
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
        if (rest.empty())
            break; // a trailing slash (directories) is fine
    }
    if (path == manifest_member || path == db_member || path == "db" || path == "db/")
        return std::nullopt;
    for (auto prefix : {pve_prefix, host_prefix})
        if (path.starts_with(prefix) || path == prefix.substr(0, prefix.size() - 1))
            return std::nullopt;
    return "not under MANIFEST.json, db/, pve/ or host/";
}

std::string pve_member_path(std::string_view pve_relative) {
    return std::string(pve_prefix) + std::string(pve_relative);
}

std::string host_member_path(std::string_view absolute_host_path) {
    std::string path(host_prefix);
    path.append(absolute_host_path.starts_with('/') ? absolute_host_path.substr(1)
                                                    : absolute_host_path);
    return path;
}

std::string host_path_of_member(std::string_view host_member) {
    // host_prefix ends in the slash that starts the host path.
    return std::string(host_member.substr(host_prefix.size() - 1));
}

} // namespace pmxsnap::archive
