// Tree: the shape of /etc/pve as pmxcfs would build it from the db — every
// row's metadata plus the path of each entry reachable from the root, sorted
// by path. Rows that break pmxcfs's rules are kept (the invariant checker
// reports them) but get no path. Never throws once built.
#pragma once

#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/entry.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pmxsnap::configdb {

class Tree {
  public:
    struct PathEntry {
        // Relative to /etc/pve, no leading slash: "nodes/pve1/qemu-server/100.conf".
        // Valid while the tree lives (its bytes are in the tree's path text).
        std::string_view path;
        const EntryMeta* entry;
    };

    Tree() = default;
    // Moves keep the path views valid; a copy would not.
    Tree(Tree&&) = default;
    Tree& operator=(Tree&&) = default;
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    static Tree load(const Database& db);
    static Tree from_rows(std::vector<EntryMeta> rows);

    // The __version__ row, when there is one.
    const std::optional<RootVersion>& root_version() const { return root_version_; }
    // Every row but inode 0, in inode order.
    const std::vector<EntryMeta>& rows() const { return rows_; }
    // Entries reachable from the root, sorted by path (byte order).
    const std::vector<PathEntry>& paths() const { return paths_; }
    const EntryMeta* find(std::int64_t inode) const;
    // Rows with inode 0 that are not __version__ (an invariant violation).
    const std::vector<EntryMeta>& stray_root_rows() const { return stray_root_rows_; }
    // The row with inode 0 as it is, __version__ or not: pmxcfs checks its
    // name, type and data as any row's before it looks at the name.
    const std::optional<EntryMeta>& root_row() const { return root_row_; }

    std::int64_t total_data_size() const;

    // The bytes every path views, for one that keeps the paths once the tree
    // is gone (capture's member table): an offset from path_text_data() into
    // what release_path_text() returns finds the same path. Releasing leaves
    // the tree empty, as a default-made one.
    const char* path_text_data() const { return path_text_.data(); }
    std::vector<char> release_path_text() &&;

  private:
    void resolve_paths();

    std::optional<RootVersion> root_version_;
    std::optional<EntryMeta> root_row_;
    std::vector<EntryMeta> rows_;
    std::vector<EntryMeta> stray_root_rows_;
    // Every path's bytes, one after another: a std::string per path cost
    // 72 bytes where this costs its length (19 on average) plus 24 in paths_.
    std::vector<char> path_text_;
    std::vector<PathEntry> paths_;
};

// A name pmxsnap can turn into a path component without leaving the tree.
bool is_safe_name(std::string_view name);

} // namespace pmxsnap::configdb
