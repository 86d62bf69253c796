#include "changes.hpp"

#include "pmxsnap/pveconfig/secrets.hpp"

#include <fnmatch.h>

#include <algorithm>

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

// Calls visit(path, before, after) for every path of either side in path
// order; a side without the path passes nullptr.
template <typename Visit>
void walk_both(const ByPath& before, const ByPath& after, Visit&& visit) {
    auto x = before.begin(), y = after.begin();
    while (x != before.end() || y != after.end()) {
        if (y == after.end() || (x != before.end() && (*x)->path < (*y)->path)) {
            visit((*x)->path, *x, nullptr);
            ++x;
        } else if (x == before.end() || (*y)->path < (*x)->path) {
            visit((*y)->path, nullptr, *y);
            ++y;
        } else {
            visit((*x)->path, *x, *y);
            ++x;
            ++y;
        }
    }
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

Comparison compare_sides(const Side& a, const Side& b, const CompareOptions& options) {
    Comparison result;
    auto add = [&](const std::string& path, Status status, const archive::Member* old_member,
                   const archive::Member* new_member) {
        Change change;
        change.path = path;
        change.status = status;
        change.before = old_member;
        change.after = new_member;
        change.secret = pveconfig::is_secret_file(path);
        result.changes.push_back(std::move(change));
    };
    // In path order, so the changes come out sorted.
    walk_both(a.by_path, b.by_path,
              [&](const std::string& path, const archive::Member* old_member,
                  const archive::Member* new_member) {
                  if (!compared(path, options))
                      return;
                  ++result.paths_compared;
                  if (new_member == nullptr)
                      add(path, Status::removed, old_member, nullptr);
                  else if (old_member == nullptr)
                      add(path, Status::added, nullptr, new_member);
                  else if (auto status = compare_members(*old_member, *new_member))
                      add(path, *status, old_member, new_member);
              });
    return result;
}

} // namespace pmxsnap::diff
