#include "pmxsnap/configdb/invariants.hpp"

#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace pmxsnap::configdb {
namespace {

// memdb.c's valid_nodename: letters, digits, and hyphens not at either end.
// Node directories with other names are not searched for guest configs.
bool is_ldh_node_name(std::string_view name) {
    if (name.empty())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !(c == '-' && i != 0 && i + 1 != name.size()))
            return false;
    }
    return true;
}

// memdb.c's name_is_vm_config: "<1-9><digits>.conf" with an id that fits 32 bits.
std::optional<std::uint32_t> guest_id_of(std::string_view name) {
    if (name.empty() || name[0] < '1' || name[0] > '9')
        return std::nullopt;
    std::uint32_t id = 0;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (error != std::errc() || std::string_view(end, name.data() + name.size() - end) != ".conf")
        return std::nullopt;
    return id;
}

// The directories of nodes/<node>/ whose configs make the guest list.
constexpr std::array<std::string_view, 3> guest_directories = {"qemu-server", "openvz", "lxc"};

// "nodes/pve1/qemu-server/100.conf" → {"nodes", "pve1", "qemu-server", "100.conf"};
// nullopt unless the path has exactly that many components.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split(std::string_view path) {
    std::array<std::string_view, N> parts;
    for (std::size_t i = 0; i < N; ++i) {
        auto slash = path.find('/');
        if ((slash == std::string_view::npos) != (i + 1 == N))
            return std::nullopt;
        parts[i] = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    return parts;
}

bool is_guest_directory(std::string_view name) {
    return std::find(guest_directories.begin(), guest_directories.end(), name) !=
           guest_directories.end();
}

class Checker {
  public:
    // Pointers into the tree, not copies: a map of every path and a set of
    // every (parent, name) held 55 MB on a pmxcfs-maximum db.
    explicit Checker(const Tree& tree)
        : tree_(tree) {
        path_of_.reserve(tree.paths().size());
        for (const auto& entry : tree.paths())
            path_of_.emplace_back(entry.entry->inode, &entry.path);
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
                add(rule::duplicate_name, Effect::refuses_start, row,
                    fmt::format("found entry with duplicate name '{}' (inodes {:016X} and {:016X}, "
                                "parent {:016X})",
                                escape_name(row.name), first->second, row.inode, row.parent));
        }
        check_reachability();
        check_guest_list();
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

    void add(const char* id, Effect effect, const EntryMeta& row, std::string message) {
        const auto* path = path_of(row.inode);
        violations_.push_back(
            {id, effect, row.inode, path ? std::string(*path) : "", std::move(message)});
    }

    void check_root() {
        // bdb_backend_load_index checks the inode-0 row's name, type and
        // data as any row's (a __version__ of unknown type stops the load)
        // before it asks whether it is __version__.
        if (const auto& row = tree_.root_row(); row && !check_stored_form(*row))
            return;
        for (const auto& row : tree_.stray_root_rows())
            add(rule::root_name, Effect::refuses_start, row,
                fmt::format("root inode has unexpected name '{}' (inode = {:016X})",
                            escape_name(row.name), row.inode));
        // database.c, bdb_backend_open: a root version of 0 after the load
        // (no __version__ row, or one holding 0) and pmxcfs writes the row
        // with version 1 before it serves anything.
        const auto& root = tree_.root_version();
        if (!root)
            violations_.push_back({rule::missing_version, Effect::writes_version, root_inode, "",
                                   "missing __version__ entry (inode 0): pmxcfs writes one "
                                   "(version 1) when it opens the db"});
        else if (root->version == 0)
            violations_.push_back({rule::missing_version, Effect::writes_version, root_inode, "",
                                   "__version__ entry (inode 0) holds version 0: pmxcfs takes "
                                   "it for missing and rewrites it (version 1) when it opens "
                                   "the db"});
    }

    // The checks every row gets, inode 0's too; false when one failed.
    bool check_stored_form(const EntryMeta& row) {
        auto before = violations_.size();
        if (row.name.empty())
            add(rule::no_name, Effect::refuses_start, row,
                fmt::format("inode has no name (inode = {:016X})", row.inode));
        if (!row.is_directory() && !row.is_file())
            add(rule::unknown_type, Effect::refuses_start, row,
                fmt::format("inode has unknown type (inode = {:016X}, type = {})", row.inode,
                            pmxcfs_type(row.type)));
        if (row.is_directory() && row.size > 0)
            add(rule::directory_with_data, Effect::refuses_start, row,
                fmt::format("directory inode contains data (inode = {:016X})", row.inode));
        return violations_.size() == before;
    }

    void check_row(const EntryMeta& row) {
        check_stored_form(row);
        if (!row.name.empty() && !is_safe_name(row.name))
            add(rule::unsafe_name, Effect::drops_entries, row,
                fmt::format("name '{}' cannot be a path component (inode = {:016X}): pmxcfs "
                            "starts, but the entry cannot be reached and listing its directory "
                            "fails",
                            escape_name(row.name), row.inode));
        if (row.is_file() && row.size > max_file_size)
            add(rule::file_too_large, Effect::refuses_writes, row,
                fmt::format("file has {} bytes, more than the {} pmxcfs accepts in a write "
                            "(inode = {:016X}): served, but no change to it can be saved",
                            row.size, max_file_size, row.inode));
    }

    // pmxcfs loads rows in inode order. A parent that is a file already
    // loaded stops the load; one loaded later replaces the placeholder the
    // child was put in, and the child is gone from /etc/pve.
    void check_parent(const EntryMeta& row) {
        if (row.parent == root_inode)
            return;
        const EntryMeta* parent = tree_.find(row.parent);
        if (parent == nullptr)
            add(rule::missing_parent, Effect::refuses_start, row,
                fmt::format("missing directory inode (inode = {:016X}, needed by {:016X} '{}')",
                            row.parent, row.inode, escape_name(row.name)));
        else if (!parent->is_directory() && parent->inode < row.inode)
            add(rule::parent_not_directory, Effect::refuses_start, row,
                fmt::format("parent is not a directory (inode = {:016X}, parent = {:016X}, "
                            "name = '{}')",
                            row.inode, row.parent, escape_name(row.name)));
        else if (!parent->is_directory())
            add(rule::parent_not_directory, Effect::drops_entries, row,
                fmt::format("'{}' (inode = {:016X}) has a file for parent ({:016X}, loaded after "
                            "it): pmxcfs starts without it",
                            escape_name(row.name), row.inode, row.parent));
    }

    // Rows whose parents exist but never lead to the root (a cycle, or under
    // a dropped entry) load in pmxcfs without a complaint and then are
    // missing from /etc/pve: report each.
    void check_reachability() {
        std::unordered_set<std::int64_t> reported;
        for (const auto& v : violations_)
            reported.insert(v.inode);
        for (const auto& row : tree_.rows()) {
            if (path_of(row.inode) || reported.contains(row.inode))
                continue;
            add(rule::unreachable, Effect::drops_entries, row,
                fmt::format("entry '{}' (inode = {:016X}) is not reachable from the root: "
                            "pmxcfs starts without it",
                            escape_name(row.name), row.inode));
        }
    }

    // memdb_recreate_vmlist: every guest config under nodes/<node>/{qemu-server,
    // openvz,lxc}/ goes into one list by id; an id twice, or one of those
    // directories being a file, and pmxcfs refuses to start.
    void check_guest_list() {
        std::unordered_map<std::uint32_t, std::string_view> first_with_id;
        for (const auto& entry : tree_.paths()) {
            if (!entry.path.starts_with("nodes/"))
                continue;
            if (auto dir = split<3>(entry.path); dir && entry.entry->is_file() &&
                                                 is_ldh_node_name((*dir)[1]) &&
                                                 is_guest_directory((*dir)[2]))
                add(rule::guest_dir_not_directory, Effect::refuses_start, *entry.entry,
                    fmt::format("{} is a file where pmxcfs lists guest configs (inode = {:016X})",
                                escape_name(entry.path), entry.entry->inode));
            auto config = split<4>(entry.path);
            if (!config || !entry.entry->is_file() || !is_ldh_node_name((*config)[1]) ||
                !is_guest_directory((*config)[2]))
                continue;
            auto id = guest_id_of((*config)[3]);
            if (!id)
                continue;
            auto [first, inserted] = first_with_id.emplace(*id, entry.path);
            if (!inserted)
                add(rule::duplicate_vmid, Effect::refuses_start, *entry.entry,
                    fmt::format("detected duplicate VMID {}: {} and {} (inode = {:016X})", *id,
                                escape_name(first->second), escape_name(entry.path),
                                entry.entry->inode));
        }
    }

    void check_totals() {
        auto total = tree_.total_data_size();
        if (total > max_total_size)
            violations_.push_back(
                {rule::total_too_large, Effect::exceeds_capacity, root_inode, "",
                 fmt::format("{} bytes of data, more than the {} statfs capacity pmxcfs "
                             "reports: df shows wrapped free counts; writes still succeed",
                             total, max_total_size)});
        auto inodes = static_cast<std::int64_t>(tree_.rows().size()) + 1;
        if (inodes > max_inodes)
            violations_.push_back(
                {rule::too_many_inodes, Effect::exceeds_capacity, root_inode, "",
                 fmt::format("{} inodes, more than the {} statfs capacity pmxcfs reports: "
                             "df -i shows wrapped free counts; writes still succeed",
                             inodes, max_inodes)});
    }

    const Tree& tree_;
    std::vector<std::pair<std::int64_t, const std::string_view*>> path_of_; // by inode
    std::vector<Violation> violations_;
};

} // namespace

std::string to_string(Effect effect) {
    switch (effect) {
    case Effect::refuses_start:
        return "refuses to start";
    case Effect::drops_entries:
        return "drops entries";
    case Effect::refuses_writes:
        return "refuses writes";
    case Effect::exceeds_capacity:
        return "exceeds statfs capacity";
    case Effect::writes_version:
        return "writes __version__ at start";
    }
    return "?";
}

RuleCheck check_rules(const Tree& tree) {
    RuleCheck check;
    for (auto& v : Checker(tree).run())
        (v.effect == Effect::refuses_start || v.effect == Effect::drops_entries
             ? check.breaking
             : check.write_limits)
            .push_back(std::move(v));
    return check;
}

std::vector<Violation> check_invariants(const Tree& tree) {
    return check_rules(tree).breaking;
}

} // namespace pmxsnap::configdb
