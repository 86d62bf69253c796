// PveMembers: the pve/ entries a capture lists, held as a compact table —
// fixed-size rows, the digests beside them and every path in one text —
// instead of an archive::Member each. On a pmxcfs-maximum db the Members
// were 42 MB (128 bytes, plus a heap string of 48); these rows are 80 bytes
// plus the path's own bytes (26 MB). Members are made one at a time when
// visited.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/configdb/tree.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace pmxsnap::capture {

class PveMembers {
  public:
    PveMembers() = default;
    // Takes the tree so that it is let go as soon as the rows are made, and
    // keeps its paths' text: the tree beside the table was snapshot's peak.
    // The files' digests are zero until set_digest gives them.
    static PveMembers from_tree(configdb::Tree tree);

    // Each file's row, by inode, for a scan of the table to fill in.
    struct FileSlot {
        std::int64_t inode;
        std::size_t row;
    };
    std::vector<FileSlot> files_by_inode() const;
    // The file's length in bytes (the tree's length(data) counts characters
    // for a TEXT value) and SHA-256. Rows set from different threads must
    // be different rows.
    void set_digest(std::size_t row, std::uint32_t size, const std::array<std::uint8_t, 32>& sha);

    std::size_t size() const { return rows_.size(); }
    // Row i as a Member, reusing member's storage (its path keeps its
    // capacity from one call to the next).
    void fill(std::size_t i, archive::Member& member) const;
    // Every row as a Member, in path order.
    void for_each(const archive::MemberVisitor& visit) const;
    // The row whose member path ("pve/...") this is.
    std::optional<std::size_t> find(std::string_view member_path) const;
    std::int64_t inode(std::size_t i) const { return rows_[i].inode; }
    bool is_directory(std::size_t i) const { return rows_[i].is_directory; }
    const std::array<std::uint8_t, 32>& sha256(std::size_t i) const { return digests_[i]; }
    std::int64_t total_file_bytes() const;

  private:
    // 45 bytes of fields, 48 with padding; the digest is beside it.
    struct Row {
        std::int64_t inode;
        std::int64_t version;
        std::int64_t writer;
        std::int64_t mtime;
        std::uint32_t size; // SQLite holds no value of 2^31 bytes or more
        std::uint32_t path_offset;
        std::uint32_t path_length;
        bool is_directory;
    };
    static_assert(sizeof(Row) == 48);

    std::string_view relative_path(std::size_t i) const {
        return {path_text_.data() + rows_[i].path_offset, rows_[i].path_length};
    }

    std::vector<Row> rows_;                             // in path order
    std::vector<std::array<std::uint8_t, 32>> digests_; // beside rows_; zero for directories
    std::vector<char> path_text_;                       // paths relative to /etc/pve
};

} // namespace pmxsnap::capture
