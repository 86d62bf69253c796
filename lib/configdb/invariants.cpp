#include "pmxsnap/configdb/invariants.hpp"

#include <fmt/format.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

namespace pmxsnap::configdb {
namespace {

class Checker {
  public:
    explicit Checker(const Tree& tree)
        : tree_(tree) {
        for (const auto& entry : tree.paths())
            path_of_[entry.entry->inode] = entry.path;
    }

    std::vector<Violation> run() {
        check_root();
        std::map<std::pair<std::int64_t, std::string>, std::int64_t> names;
        for (const auto& row : tree_.rows()) {
            check_row(row);
            check_parent(row);
            auto [it, inserted] = names.emplace(std::make_pair(row.parent, row.name), row.inode);
            if (!inserted && !row.name.empty())
                add(rule::duplicate_name, row,
                    fmt::format("found entry with duplicate name '{}' (inodes {:016X} and {:016X}, "
                                "parent {:016X})",
                                row.name, it->second, row.inode, row.parent));
        }
        check_reachability();
        check_totals();
        return std::move(violations_);
    }

  private:
    void add(const char* id, const EntryMeta& row, std::string message) {
        auto it = path_of_.find(row.inode);
        violations_.push_back(
            {id, row.inode, it == path_of_.end() ? "" : it->second, std::move(message)});
    }

    void check_root() {
        for (const auto& row : tree_.stray_root_rows())
            add(rule::root_name, row,
                fmt::format("root inode has unexpected name '{}' (inode = {:016X})", row.name,
                            row.inode));
        if (!tree_.root_version())
            violations_.push_back({rule::missing_version, root_inode, "",
                                   "missing __version__ entry (inode 0): the tree has no version"});
    }

    void check_row(const EntryMeta& row) {
        if (row.name.empty())
            add(rule::no_name, row, fmt::format("inode has no name (inode = {:016X})", row.inode));
        else if (!is_safe_name(row.name))
            add(rule::unsafe_name, row,
                fmt::format("name '{}' cannot be a path component (inode = {:016X})", row.name,
                            row.inode));
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
                            row.parent, row.inode, row.name));
        else if (!parent->is_directory())
            add(rule::parent_not_directory, row,
                fmt::format("parent is not a directory (inode = {:016X}, parent = {:016X}, "
                            "name = '{}')",
                            row.inode, row.parent, row.name));
    }

    // Rows whose parents exist but never lead to the root (a cycle) load in
    // pmxcfs without a complaint and then vanish from /etc/pve: report them.
    void check_reachability() {
        std::unordered_set<std::int64_t> reported;
        for (const auto& v : violations_)
            reported.insert(v.inode);
        for (const auto& row : tree_.rows()) {
            if (path_of_.contains(row.inode) || reported.contains(row.inode))
                continue;
            add(rule::unreachable, row,
                fmt::format("entry '{}' (inode = {:016X}) is not reachable from the root "
                            "(cycle in parents)",
                            row.name, row.inode));
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
    std::unordered_map<std::int64_t, std::string> path_of_;
    std::vector<Violation> violations_;
};

} // namespace

std::vector<Violation> check_invariants(const Tree& tree) {
    return Checker(tree).run();
}

} // namespace pmxsnap::configdb
