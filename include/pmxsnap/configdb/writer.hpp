// Writer: creates and changes a pmxcfs database the way pmxcfs does (the real
// schema, WAL mode, a global version counter: a new entry gets inode = version
// = the counter, a rewrite keeps its inode and takes a new version, and every
// change updates the __version__ row). Used by the fixture generator and the
// tests; restore installs archived db files and never writes rows itself.
// Throws pmxsnap::Error naming the path.
#pragma once

#include "pmxsnap/configdb/entry.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::configdb {

class Writer {
  public:
    // Creates a new database; refuses an existing file.
    static Writer create(const std::filesystem::path& path, std::uint32_t writer_node = 1);
    // Opens an existing one for further changes.
    static Writer open(const std::filesystem::path& path, std::uint32_t writer_node = 1);

    // Directories along path are created as needed; returns the inode written.
    std::int64_t write_file(std::string_view path, std::string_view data, std::int64_t mtime);
    std::int64_t make_directory(std::string_view path, std::int64_t mtime);
    void remove(std::string_view path, std::int64_t mtime);

    // Batch many changes into one transaction (pmxcfs commits each change on
    // its own; fixtures batch for speed). Nesting is not supported.
    void begin();
    void commit();

    // Inserts a row exactly as given, bypassing every rule: for tests that
    // need a db breaking a pmxcfs invariant.
    void insert_raw_row(const EntryMeta& row, std::optional<std::string_view> data);

    void set_writer_node(std::uint32_t node) { writer_node_ = node; }
    std::int64_t version() const { return version_; }

    // Copies every WAL frame into the db file and empties the WAL.
    void checkpoint();
    // Closes without the final checkpoint SQLite does on close, so rows
    // written since the last checkpoint live only in config.db-wal — the state
    // a crashed or stopped pmxcfs leaves behind.
    void close_keeping_wal();

  private:
    Writer(std::filesystem::path path, SQLite::Database db, std::uint32_t writer_node);
    std::optional<std::int64_t> lookup(std::int64_t parent, std::string_view name) const;
    std::int64_t ensure_directory(std::string_view path, std::int64_t mtime);
    void bump_version(std::int64_t mtime);
    EntryMeta make_row(std::int64_t inode, std::int64_t parent, int type, std::string_view name,
                       std::int64_t mtime) const;
    std::int64_t next_version() { return ++version_; }

    std::filesystem::path path_;
    std::optional<SQLite::Database> db_;
    std::uint32_t writer_node_;
    std::int64_t version_ = 0;
    bool in_batch_ = false;
    // (parent, name) → inode. pmxcfs's schema has no index on them (pmxcfs
    // keeps its tree in memory); the writer does the same, or every lookup
    // would scan the table and building a 262,144-inode db would be quadratic.
    std::map<std::pair<std::int64_t, std::string>, std::int64_t, std::less<>> children_;
};

} // namespace pmxsnap::configdb
