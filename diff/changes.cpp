#include "changes.hpp"

#include "pmxsnap/pveconfig/secrets.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

namespace pmxsnap::diff {
namespace {

bool selected(const std::string& path, const CompareOptions& options) {
    if (options.path_globs.empty())
        return true;
    // A glob may name the member ("pve/qemu-server/*") or the host path
    // ("/etc/pve/qemu-server/*", "/etc/hosts").
    std::string host_form = path.starts_with("pve/")    ? "/etc/" + path
                            : path.starts_with("host/") ? path.substr(4)
                                                        : path;
    for (const auto& glob : options.path_globs)
        if (::fnmatch(glob.c_str(), path.c_str(), 0) == 0 ||
            ::fnmatch(glob.c_str(), host_form.c_str(), 0) == 0)
            return true;
    return false;
}

bool compared(const std::string& path, const CompareOptions& options) {
    if (path == "db/config.db" || path == "db")
        return false;
    if (options.cluster_wide_only && (path == "host" || path.starts_with("host/")))
        return false;
    return selected(path, options);
}

std::map<std::string, const archive::Member*> by_path(const archive::Manifest& manifest) {
    std::map<std::string, const archive::Member*> members;
    for (const auto& member : manifest.members)
        members[member.path] = &member;
    return members;
}

std::optional<Status> compare_members(const archive::Member& a, const archive::Member& b) {
    if (a.is_directory != b.is_directory || a.sha256 != b.sha256 || a.size != b.size)
        return Status::modified;
    if (a.mode != b.mode || a.uid != b.uid || a.gid != b.gid)
        return Status::metadata;
    return std::nullopt;
}

} // namespace

std::string to_string(Status status) {
    switch (status) {
    case Status::added:
        return "added";
    case Status::removed:
        return "removed";
    case Status::modified:
        return "modified";
    case Status::metadata:
        return "metadata";
    }
    return "?";
}

std::size_t count_compared(const Side& a, const Side& b, const CompareOptions& options) {
    std::set<std::string_view> paths;
    for (const auto* side : {&a, &b})
        for (const auto& member : side->manifest.members)
            if (compared(member.path, options))
                paths.insert(member.path);
    return paths.size();
}

std::vector<Change> find_changes(const Side& a, const Side& b, const CompareOptions& options) {
    auto before = by_path(a.manifest), after = by_path(b.manifest);
    std::vector<Change> changes;
    auto add = [&](const std::string& path, Status status, const archive::Member* old_member,
                   const archive::Member* new_member) {
        Change change;
        change.path = path;
        change.status = status;
        change.before = old_member;
        change.after = new_member;
        change.secret = pveconfig::is_secret_file(path);
        changes.push_back(std::move(change));
    };
    for (const auto& [path, old_member] : before) {
        if (!compared(path, options))
            continue;
        auto it = after.find(path);
        if (it == after.end())
            add(path, Status::removed, old_member, nullptr);
        else if (auto status = compare_members(*old_member, *it->second))
            add(path, *status, old_member, it->second);
    }
    for (const auto& [path, new_member] : after)
        if (compared(path, options) && !before.count(path))
            add(path, Status::added, nullptr, new_member);
    std::sort(changes.begin(), changes.end(),
              [](const Change& x, const Change& y) { return x.path < y.path; });
    return changes;
}

} // namespace pmxsnap::diff
