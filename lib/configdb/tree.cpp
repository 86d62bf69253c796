#include "pmxsnap/configdb/tree.hpp"

#include <algorithm>
#include <unordered_set>

namespace pmxsnap::configdb {

bool is_safe_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

Tree Tree::load(const Database& db) {
    std::vector<EntryMeta> rows;
    db.for_each_row([&](const EntryMeta& row) { rows.push_back(row); });
    return from_rows(std::move(rows));
}

Tree Tree::from_rows(std::vector<EntryMeta> rows) {
    Tree tree;
    // Filtered in place: a second vector of 262,144 rows was 23 MB at peak.
    tree.rows_ = std::move(rows);
    for (const auto& row : tree.rows_) {
        if (row.inode != root_inode)
            continue;
        if (!tree.root_row_)
            tree.root_row_ = row;
        if (row.name == version_entry_name)
            tree.root_version_ = RootVersion{row.version, row.writer, row.mtime};
        else
            tree.stray_root_rows_.push_back(row);
    }
    std::erase_if(tree.rows_, [](const EntryMeta& row) { return row.inode == root_inode; });
    // Stable: with a repeated inode (only a hand-made db has one), find()
    // answers the first row, as before. Rows read from a db come sorted, and
    // the sort's buffer was 11 MB more at a pmxcfs-maximum db's peak.
    auto by_inode = [](const EntryMeta& a, const EntryMeta& b) { return a.inode < b.inode; };
    if (!std::is_sorted(tree.rows_.begin(), tree.rows_.end(), by_inode))
        std::stable_sort(tree.rows_.begin(), tree.rows_.end(), by_inode);
    tree.resolve_paths();
    return tree;
}

std::vector<char> Tree::release_path_text() && {
    // Assigned new vectors, not `= {}`: that clears and keeps the capacity.
    root_version_.reset();
    root_row_.reset();
    rows_ = std::vector<EntryMeta>();
    stray_root_rows_ = std::vector<EntryMeta>();
    paths_ = std::vector<PathEntry>();
    return std::move(path_text_);
}

const EntryMeta* Tree::find(std::int64_t inode) const {
    // A binary search over the sorted rows: a hash map of them was 10 MB on
    // a pmxcfs-maximum db.
    auto it =
        std::lower_bound(rows_.begin(), rows_.end(), inode,
                         [](const EntryMeta& row, std::int64_t key) { return row.inode < key; });
    return it == rows_.end() || it->inode != inode ? nullptr : &*it;
}

std::int64_t Tree::total_data_size() const {
    std::int64_t total = 0;
    for (const auto& row : rows_)
        total += row.size;
    return total;
}

namespace {

struct Placed {
    std::size_t offset, length; // in the path text, which still grows
    const EntryMeta* entry;
};

// Walks down from the root instead of up from each row, so cycles and
// orphans simply never get a path, and each path is built once. Returns
// where each reached entry's path lies in path_text.
std::vector<Placed> walk_from_root(const std::vector<EntryMeta>& rows,
                                   std::vector<char>& path_text) {
    std::unordered_map<std::int64_t, std::vector<const EntryMeta*>> children;
    for (const auto& row : rows)
        children[row.parent].push_back(&row);

    std::vector<Placed> placed;
    placed.reserve(rows.size());
    struct Pending {
        std::int64_t directory;
        std::string prefix;
    };
    std::vector<Pending> stack{{root_inode, ""}};
    std::unordered_set<std::int64_t> visited{root_inode};
    while (!stack.empty()) {
        auto [directory, prefix] = std::move(stack.back());
        stack.pop_back();
        auto it = children.find(directory);
        if (it == children.end())
            continue;
        for (const EntryMeta* child : it->second) {
            if (!is_safe_name(child->name) || (!child->is_directory() && !child->is_file()))
                continue;
            auto offset = path_text.size();
            if (!prefix.empty()) {
                path_text.insert(path_text.end(), prefix.begin(), prefix.end());
                path_text.push_back('/');
            }
            path_text.insert(path_text.end(), child->name.begin(), child->name.end());
            placed.push_back({offset, path_text.size() - offset, child});
            if (child->is_directory() && visited.insert(child->inode).second)
                stack.push_back({child->inode, std::string(path_text.data() + offset,
                                                           path_text.size() - offset)});
        }
    }
    return placed;
}

} // namespace

void Tree::resolve_paths() {
    // The walk's maps and the placements are gone before the sort: on a
    // pmxcfs-maximum db they were 6 MB more at verify's peak.
    {
        auto placed = walk_from_root(rows_, path_text_);
        paths_.reserve(placed.size());
        for (const auto& p : placed)
            paths_.push_back({std::string_view(path_text_.data() + p.offset, p.length), p.entry});
    }
    // Stable, so that of two entries with one name in one directory the same
    // one keeps the path every time: the first reached, which for two rows
    // of one parent is the lower inode (the checker reports the other).
    std::stable_sort(paths_.begin(), paths_.end(),
                     [](const PathEntry& a, const PathEntry& b) { return a.path < b.path; });
    paths_.erase(
        std::unique(paths_.begin(), paths_.end(),
                    [](const PathEntry& a, const PathEntry& b) { return a.path == b.path; }),
        paths_.end());
}

} // namespace pmxsnap::configdb
