#include "changes.hpp"

#include "paths.hpp"

#include "pmxsnap/pveconfig/secrets.hpp"

#include <algorithm>

namespace pmxsnap::diff {
namespace {

// db/config.db's content is the pve/ tree, compared entry by entry; across
// nodes the node-local host/ paths are not compared.
bool comparable(const std::string& path, const CompareOptions& options) {
    if (path == "db/config.db" || path == "db")
        return false;
    if (options.cluster_wide_only && (path == "host" || path.starts_with("host/")))
        return false;
    return true;
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
    PathSelection selection(options.path_globs, {a.manifest().node, b.manifest().node});
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
                  if (!comparable(path, options) || !selection.select(path))
                      return;
                  ++result.paths_compared;
                  if (new_member == nullptr)
                      add(path, Status::removed, old_member, nullptr);
                  else if (old_member == nullptr)
                      add(path, Status::added, nullptr, new_member);
                  else if (auto status = compare_members(*old_member, *new_member))
                      add(path, *status, old_member, new_member);
              });
    result.unmatched_globs = selection.unmatched();
    return result;
}

std::vector<Subtree> subtrees_of(const std::vector<Change>& changes, const Side& a, const Side& b) {
    std::vector<Subtree> subtrees;
    std::vector<bool> inside(changes.size(), false);
    auto change_at = [&](const std::string& path) {
        return static_cast<std::size_t>(
            std::lower_bound(changes.begin(), changes.end(), path,
                             [](const Change& c, const std::string& key) { return c.path < key; }) -
            changes.begin());
    };
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto& top = changes[i];
        if (inside[i] || (top.status != Status::added && top.status != Status::removed))
            continue;
        const auto* member = top.after ? top.after : top.before;
        if (!member->is_directory)
            continue;
        // What is under the directory is one run of the sorted paths, on the
        // side holding it and among the changes ("pve3-x" sorts between
        // "pve3" and "pve3/...": '0' follows '/').
        const auto& holder = top.after ? b.by_path : a.by_path;
        auto under = top.path + "/";
        auto end_key = top.path + "0";
        auto begin = position_in(holder, under), end = position_in(holder, end_key);
        Subtree subtree{top.path, top.status, i, change_at(under), change_at(end_key), 0, 0};
        bool whole = subtree.last - subtree.first == static_cast<std::size_t>(end - begin);
        for (auto j = subtree.first; whole && j < subtree.last; ++j)
            whole = changes[j].status == top.status;
        if (!whole)
            continue; // something under it is unchanged or changed otherwise: path by path
        for (auto it = begin; it != end; ++it)
            ++((*it)->is_directory ? subtree.directories : subtree.files);
        for (auto j = subtree.first; j < subtree.last; ++j)
            inside[j] = true;
        subtrees.push_back(std::move(subtree));
    }
    return subtrees;
}

} // namespace pmxsnap::diff
