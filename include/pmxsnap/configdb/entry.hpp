// One row of pmxcfs's `tree` table, without its data: what the tree model,
// the invariant checker and the manifest need. Data is read on demand
// (DataReader) so memory does not grow with the size of the files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pmxsnap::configdb {

// pmxcfs stores dirent types: DT_DIR and DT_REG. It reads the column into a
// char, keeping its low 8 bits (database.c, bdb_backend_load_index: `& 255`),
// so 260 is a directory to it, and so it is here.
inline constexpr int type_directory = 4;
inline constexpr int type_file = 8;
inline constexpr int pmxcfs_type(std::int64_t column) {
    return static_cast<int>(column & 255);
}

// The root directory has no row; the row with inode 0 carries the tree's
// version/writer/mtime under this name.
inline constexpr std::int64_t root_inode = 0;
inline constexpr std::string_view version_entry_name = "__version__";

// pmxcfs limits (memdb.h): per file, in total, and number of inodes.
inline constexpr std::int64_t max_file_size = 1024LL * 1024;
inline constexpr std::int64_t max_total_size = 128LL * 1024 * 1024;
inline constexpr std::int64_t max_inodes = 256LL * 1024;

struct EntryMeta {
    std::int64_t inode = 0;
    std::int64_t parent = 0;
    std::int64_t version = 0;
    std::int64_t writer = 0;
    std::int64_t mtime = 0;
    int type = 0; // raw column (low 32 bits): a low byte but 4 or 8 breaks an invariant
    std::string name;
    std::int64_t size = 0; // length(data); NULL data is 0

    bool is_directory() const { return pmxcfs_type(type) == type_directory; }
    bool is_file() const { return pmxcfs_type(type) == type_file; }
};

// The tree's version: every change to /etc/pve raises it.
struct RootVersion {
    std::int64_t version = 0;
    std::int64_t writer = 0;
    std::int64_t mtime = 0;
};

} // namespace pmxsnap::configdb
