#include "pmxsnap/configdb/invariants.hpp"

#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace pmxsnap::configdb {
namespace {

class Checker {
  public:
    // Pointers into the tree, not copies: a map of every path and a set of
    // every (parent, name) held 55 MB on a pmxcfs-maximum db.
    explicit Checker(const Tree& tree)
        : tree_(tree) {
        path_of_.reserve(tree.paths().size());
        for (const auto& entry : tree.paths())
            path_of_.push_back({entry.entry->inode, &entry.path});
        std::stable_sort(path_of_.begin(), path_of_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    }

    std::vector<Violation> run() {
        check_root();
        auto first_with_name = duplicate_names();
        for (const auto& row : tree_.rows()) {
            check_row(row);
            check_parent(row);
            if (auto first = first_with_name.find(&row); first != first_with_name.end())
                add(rule::duplicate_name, row,
                    fmt::format("found entry with duplicate name '{}' (inodes {:016X} and {:016X}, "
                                "parent {:016X})",
                                escape_name(row.name), first->second, row.inode, row.parent));
        }
        check_reachability();
        check_totals();
        return std::move(violations_);
    }

  private:
    // For each row whose (parent, name) an earlier inode already has: that
    // first inode. Rows come in inode order, so a stable sort keeps the
    // earliest first in each group.
    std::unordered_map<const EntryMeta*, std::int64_t> duplicate_names() const {
        std::vector<const EntryMeta*> by_name;
        by_name.reserve(tree_.rows().size());
        for (const auto& row : tree_.rows())
            if (!row.name.empty())
                by_name.push_back(&row);
        std::stable_sort(by_name.begin(), by_name.end(), [](const auto* a, const auto* b) {
            return std::tie(a->parent, a->name) < std::tie(b->parent, b->name);
        });
        std::unordered_map<const EntryMeta*, std::int64_t> first_with_name;
        for (std::size_t i = 1, first = 0; i < by_name.size(); ++i) {
            if (by_name[i]->parent == by_name[first]->parent &&
                by_name[i]->name == by_name[first]->name)
                first_with_name.emplace(by_name[i], by_name[first]->inode);
            else
                first = i;
        }
        return first_with_name;
    }

    // nullptr for an inode the root does not reach.
    const std::string_view* path_of(std::int64_t inode) const {
        auto it =
            std::lower_bound(path_of_.begin(), path_of_.end(), inode,
                             [](const auto& item, std::int64_t key) { return item.first < key; });
        return it == path_of_.end() || it->first != inode ? nullptr : it->second;
    }

    void add(const char* id, const EntryMeta& row, std::string message) {
        const auto* path = path_of(row.inode);
        violations_.push_back({id, row.inode, path ? std::string(*path) : "", std::move(message)});
    }

    void check_root() {
        for (const auto& row : tree_.stray_root_rows())
            add(rule::root_name, row,
                fmt::format("root inode has unexpected name '{}' (inode = {:016X})",
                            escape_name(row.name), row.inode));
        if (!tree_.root_version())
            violations_.push_back({rule::missing_version, root_inode, "",
                                   "missing __version__ entry (inode 0): the tree has no version"});
    }

    void check_row(const EntryMeta& row) {
        if (row.name.empty())
            add(rule::no_name, row, fmt::format("inode has no name (inode = {:016X})", row.inode));
        else if (!is_safe_name(row.name))
            add(rule::unsafe_name, row,
                fmt::format("name '{}' cannot be a path component (inode = {:016X})",
                            escape_name(row.name), row.inode));
        if (!row.is_directory() && !row.is_file())
            add(rule::unknown_type, row,
                fmt::format("inode has unknown type (inode = {:016X}, type = {})", row.inode,
                            row.type));
        if (row.is_directory() && row.size > 0)
            add(rule::directory_with_data, row,
                fmt::format("directory inode contains data (inode = {:016X})", row.inode));
        if (row.is_file() && row.size > max_file_size)
            add(rule::file_too_large, row,
                fmt::format("file has {} bytes, more than pmxcfs's limit of {} (inode = {:016X})",
                            row.size, max_file_size, row.inode));
    }

    void check_parent(const EntryMeta& row) {
        if (row.parent == root_inode)
            return;
        const EntryMeta* parent = tree_.find(row.parent);
        if (parent == nullptr)
            add(rule::missing_parent, row,
                fmt::format("missing directory inode (inode = {:016X}, needed by {:016X} '{}')",
                            row.parent, row.inode, escape_name(row.name)));
        else if (!parent->is_directory())
            add(rule::parent_not_directory, row,
                fmt::format("parent is not a directory (inode = {:016X}, parent = {:016X}, "
                            "name = '{}')",
                            row.inode, row.parent, escape_name(row.name)));
    }

    // Rows whose parents exist but never lead to the root (a cycle) load in
    // pmxcfs without a complaint and then vanish from /etc/pve: report them.
    void check_reachability() {
        std::unordered_set<std::int64_t> reported;
        for (const auto& v : violations_)
            reported.insert(v.inode);
        for (const auto& row : tree_.rows()) {
            if (path_of(row.inode) || reported.contains(row.inode))
                continue;
            add(rule::unreachable, row,
                fmt::format("entry '{}' (inode = {:016X}) is not reachable from the root "
                            "(cycle in parents)",
                            escape_name(row.name), row.inode));
        }
    }

    void check_totals() {
        auto total = tree_.total_data_size();
        if (total > max_total_size)
            violations_.push_back({rule::total_too_large, root_inode, "",
                                   fmt::format("{} bytes of data, more than pmxcfs's limit of {}",
                                               total, max_total_size)});
        auto inodes = static_cast<std::int64_t>(tree_.rows().size()) + 1;
        if (inodes > max_inodes)
            violations_.push_back(
                {rule::too_many_inodes, root_inode, "",
                 fmt::format("{} inodes, more than pmxcfs's limit of {}", inodes, max_inodes)});
    }

    const Tree& tree_;
    std::vector<std::pair<std::int64_t, const std::string_view*>> path_of_; // by inode
    std::vector<Violation> violations_;
};

} // namespace

std::vector<Violation> check_invariants(const Tree& tree) {
    return Checker(tree).run();
}

} // namespace pmxsnap::configdb
