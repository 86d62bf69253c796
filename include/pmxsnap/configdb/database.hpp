// Opening a standalone pmxcfs database (a consistent copy, an archive member,
// a fixture) and reading it: schema check, metadata rows, file data, integrity.
// Throws pmxsnap::Error naming the path when the file is not a pmxcfs db.
#pragma once

#include "pmxsnap/configdb/entry.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::configdb {

class Database {
  public:
    // Read-only open. Never use it on the live db: that is copy_consistent's job.
    // shown_as names the file in errors when path is a private copy of it.
    static Database open_readonly(const std::filesystem::path& path,
                                  const std::string& shown_as = {});

    // Calls visit for every row's metadata (inode 0 included), in inode order.
    void for_each_row(const std::function<void(const EntryMeta&)>& visit) const;

    // The data of one inode; empty for NULL data.
    std::string read_data(std::int64_t inode) const;
    // The same, lent to use() instead of copied (the view is valid only
    // during the call): snapshot streams every file this way. use() must not
    // read data from this Database itself: the statement is shared.
    void with_data(std::int64_t inode, const std::function<void(std::string_view)>& use) const;

    // Every row's data on one side of an inode, below it or from it up, in
    // inode order: far cheaper than read_data per row (one b-tree walk
    // instead of a lookup each), and two threads share a scan of the table
    // this way, each through a connection of its own. A row without an
    // inode (possible only without pmxcfs's primary key) is on neither side:
    // the tree reads it as inode 0, which is no member. The view is valid
    // only during the call.
    enum class Side { below, from };
    void for_each_data(
        Side side, std::int64_t split,
        const std::function<void(std::int64_t inode, std::string_view data)>& visit) const;

    // One read transaction for everything read afterwards. Without it every
    // query is its own transaction: a lock, an fstat and an unlock per file,
    // which dominated reading a 20,000-entry tree. Only for private copies
    // (nothing else writes them); the transaction ends when the db closes.
    void hold_read_transaction();

    // Reads the first max_bytes of the file through a memory map instead of a
    // pread per page. Only for private copies: a map of a file that another
    // process truncates faults (SIGBUS) instead of returning an error.
    void map_into_memory(std::uint64_t max_bytes);

    // PRAGMA integrity_check: empty when the db is sound, else its complaints.
    std::vector<std::string> integrity_problems() const;

    const std::filesystem::path& path() const { return path_; }
    SQLite::Database& handle() { return db_; }

  private:
    Database(std::filesystem::path path, std::string shown_as, SQLite::Database db);
    void check_schema() const;

    std::filesystem::path path_;
    std::string shown_as_;
    SQLite::Database db_;
    mutable std::optional<SQLite::Statement> data_statement_;
};

// Reads the first 100 bytes and says whether this is an SQLite database file,
// and whether it is in WAL mode. Throws Error naming the path otherwise.
struct SqliteHeader {
    bool wal_mode = false;
};
SqliteHeader read_sqlite_header(const std::filesystem::path& path);

} // namespace pmxsnap::configdb
